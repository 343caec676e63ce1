package genai

// Operations (gen_ai.operation.name) that are one model call, priced.
var inference = map[string]bool{"chat": true, "text_completion": true, "generate_content": true, "embeddings": true}

// Operations that structure a run around its calls.
var structural = map[string]bool{"invoke_agent": true, "invoke_workflow": true, "execute_tool": true, "create_agent": true, "retrieval": true}

// IsInference reports whether op is a model call.
func IsInference(op string) bool { return inference[op] }

// IsStructural reports whether op is a workflow, agent, tool or retrieval
// span: never a model call, whatever else the span carries.
func IsStructural(op string) bool { return structural[op] }
