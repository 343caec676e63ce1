package store

import "testing"

func FuzzNormalizeTraceID(f *testing.F) {
	for _, s := range []string{"4bf92f3577b34da6a3ce929d0e0e4736", "4BF92F3577B34DA6A3CE929D0E0E4736", "", "zz", "00000000000000000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NormalizeTraceID(s)
		if err != nil {
			return
		}
		if len(id) != 32 {
			t.Fatalf("%q → %q", s, id)
		}
		for i := 0; i < len(id); i++ {
			if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				t.Fatalf("%q → %q", s, id)
			}
		}
	})
}
