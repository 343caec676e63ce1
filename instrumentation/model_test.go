package instrumentation

import (
	"reflect"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// TestModelMirrorsCall: the exported call model has exactly the fields (name,
// type, JSON tag) of the internal one that the codecs fill and the spans are
// recorded from, so that no field is lost in the conversion between them.
func TestModelMirrorsCall(t *testing.T) {
	pairs := []struct{ public, call reflect.Type }{
		{reflect.TypeFor[Request](), reflect.TypeFor[llmcall.Request]()},
		{reflect.TypeFor[Response](), reflect.TypeFor[llmcall.Response]()},
		{reflect.TypeFor[Usage](), reflect.TypeFor[llmcall.Usage]()},
		{reflect.TypeFor[Message](), reflect.TypeFor[llmcall.Message]()},
		{reflect.TypeFor[Part](), reflect.TypeFor[llmcall.Part]()},
	}
	for _, p := range pairs {
		if p.public.NumField() != p.call.NumField() {
			t.Errorf("%s has %d fields, %s %d", p.public, p.public.NumField(), p.call, p.call.NumField())
			continue
		}
		for i := range p.public.NumField() {
			a, b := p.public.Field(i), p.call.Field(i)
			if a.Name != b.Name || a.Tag != b.Tag || a.Type.Kind() != b.Type.Kind() || a.Type.Name() != b.Type.Name() {
				t.Errorf("%s.%s (%s %q) differs from %s.%s (%s %q)", p.public, a.Name, a.Type, a.Tag, p.call, b.Name, b.Type, b.Tag)
			}
		}
	}
}

// TestConvertCall: a request and a response given to the public API reach
// the call model whole.
func TestConvertCall(t *testing.T) {
	req := Request{
		Operation: OperationChat, Provider: "p", Model: "m", ServerAddress: "h", ServerPort: 1, Stream: true,
		MaxTokens: Int(1), Temperature: Float(0.5), TopP: Float(0.9), TopK: Float(3), FrequencyPenalty: Float(0.1),
		PresencePenalty: Float(0.2), Seed: Int(7), ChoiceCount: Int(2), StopSequences: []string{"x"},
		EncodingFormats: []string{"float"}, Dimensions: Int(8),
		SystemInstructions: []Part{TextPart("s")},
		InputMessages:      []Message{{Role: "user", Name: "n", Parts: []Part{ToolCallPart("i", "f", []byte(`{"a":1}`))}}},
	}
	resp := Response{
		ID: "id", Model: "m2", FinishReasons: []string{"stop"}, TimeToFirstChunk: 3,
		Usage:          &Usage{InputTokens: Int(1), OutputTokens: Int(2), CacheReadInputTokens: Int(3), CacheCreationInputTokens: Int(4), ReasoningOutputTokens: Int(5)},
		OutputMessages: []Message{{Role: "assistant", FinishReason: "stop", Parts: []Part{ToolResponsePart("i", []byte("ok"))}}},
	}
	for _, c := range []struct{ public, call any }{{req, *req.call()}, {resp, *resp.call()}} {
		if !sameFields(reflect.ValueOf(c.public), reflect.ValueOf(c.call)) {
			t.Errorf("%+v converted to %+v", c.public, c.call)
		}
	}
	if (*Response)(nil).call() != nil {
		t.Error("nil response converted to non-nil")
	}
}

// sameFields compares two values field by field, by name, following
// pointers and slices.
func sameFields(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameFields(a.Field(i), b.FieldByName(a.Type().Field(i).Name)) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		return a.IsNil() == b.IsNil() && (a.IsNil() || sameFields(a.Elem(), b.Elem()))
	case reflect.Slice:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			return false
		}
		for i := range a.Len() {
			if !sameFields(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	}
	return a.Interface() == b.Interface()
}

// TestErrorTypesMatch: the error.type values the codecs report are the
// documented constants.
func TestErrorTypesMatch(t *testing.T) {
	if llmcall.ErrorTypeInvalidResponse != ErrorTypeInvalidResponse || llmcall.ErrorTypeOther != ErrorTypeOther {
		t.Fatal("llmcall error types differ from the exported ones")
	}
}
