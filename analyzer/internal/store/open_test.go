package store

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestOpenSaysWhatIsWrong: each way a DSN can be wrong gets its own
// message with the next step, and never the password.
func TestOpenSaysWhatIsWrong(t *testing.T) {
	notCH := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("OK")) }))
	defer notCH.Close()
	wrongPassword, _ := url.Parse(chtest.URL())
	wrongPassword.User = url.UserPassword(wrongPassword.User.Username(), "not-the-password")
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"nothing listening", "http://u:s3cret@127.0.0.1:1/kaizen", "nothing answers at http://u:xxxxx@127.0.0.1:1/kaizen"},
		{"bad scheme", "ftp://u:s3cret@127.0.0.1:1/kaizen", `scheme "ftp" is not one ClickHouse speaks`},
		{"not ClickHouse", notCH.URL + "/kaizen", "answers, but not as ClickHouse"},
		{"unknown database", chtest.URL() + "/no_such_db", `has no database "no_such_db"`},
		{"wrong password", wrongPassword.String() + "/kaizen", `refused user "kaizen_writer"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.dsn)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			for _, leak := range []string{"s3cret", "not-the-password", "sendQuery", "server hello"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("message carries %q: %v", leak, err)
				}
			}
		})
	}
}
