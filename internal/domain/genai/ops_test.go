package genai

import "testing"

func TestOperations(t *testing.T) {
	for op, want := range map[string][2]bool{
		"chat": {true, false}, "embeddings": {true, false}, "generate_content": {true, false}, "text_completion": {true, false},
		"invoke_agent": {false, true}, "execute_tool": {false, true}, "invoke_workflow": {false, true}, "": {false, false}, "Chat": {false, false},
	} {
		if got := [2]bool{IsInference(op), IsStructural(op)}; got != want {
			t.Errorf("%q: inference, structural = %v, want %v", op, got, want)
		}
	}
}
