package detect

import "encoding/json"

// countJSONLeaves decodes t and counts its scalar values; ok is false
// when t is not valid JSON.
func countJSONLeaves(t string) (int, bool) {
	var v any
	if json.Unmarshal([]byte(t), &v) != nil {
		return 0, false
	}
	return leaves(v), true
}

func leaves(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += leaves(e)
		}
	case []any:
		for _, e := range x {
			n += leaves(e)
		}
	default:
		n = 1
	}
	return n
}
