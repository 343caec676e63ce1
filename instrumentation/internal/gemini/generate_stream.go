package gemini

import "github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"

// generateStream accumulates Gemini GenerateContentResponse chunks. Usage metadata
// is cumulative: the last one seen wins.
type generateStream struct {
	events  llmcall.EventDecoder
	capture bool
	limit   int

	resp       llmcall.Response
	candidates map[int]*streamCandidate
	blocked    string
	err        error
}

type streamCandidate struct {
	text, reasoning llmcall.TextBuilder
	other           []llmcall.Part
	finish          string
}

// NewStream returns the accumulator of streamed GenerateContentResponse
// chunks.
func (GenerateContent) NewStream(capture bool, limit int) llmcall.Stream {
	return &generateStream{capture: capture, limit: limit, candidates: map[int]*streamCandidate{}}
}

func (s *generateStream) Event(_ string, data []byte) error {
	var chunk generateResponse
	if err := s.events.Decode(data, &chunk, "response chunk"); err != nil {
		return err
	}
	if chunk.ResponseID != "" {
		s.resp.ID = chunk.ResponseID
	}
	if chunk.ModelVersion != "" {
		s.resp.Model = chunk.ModelVersion
	}
	if chunk.Error != nil {
		s.err = chunk.Error
	}
	if chunk.UsageMetadata != nil {
		s.resp.Usage = chunk.UsageMetadata.callUsage()
	}
	if pf := chunk.PromptFeedback; pf != nil && pf.BlockReason != "" {
		s.blocked = pf.BlockReason
	}
	for _, c := range chunk.Candidates {
		st := s.candidates[c.Index]
		if st == nil {
			st = &streamCandidate{text: llmcall.TextBuilder{Limit: s.limit}, reasoning: llmcall.TextBuilder{Limit: s.limit}}
			s.candidates[c.Index] = st
		}
		if c.FinishReason != "" {
			st.finish = c.FinishReason
		}
		if !s.capture || c.Content == nil {
			continue
		}
		for _, p := range c.Content.Parts {
			switch part := callPart(p); part.Type {
			case "text":
				st.text.Add(part.Content)
			case "reasoning":
				st.reasoning.Add(part.Content)
			default:
				st.other = append(st.other, part)
			}
		}
	}
	return nil
}

func (s *generateStream) Failure() error { return s.err }

// done reports whether every candidate has finished, or the prompt was
// blocked.
func (s *generateStream) Done() bool {
	if s.blocked != "" {
		return true
	}
	if len(s.candidates) == 0 {
		return false
	}
	for _, c := range s.candidates {
		if c.finish == "" {
			return false
		}
	}
	return true
}

func (s *generateStream) Response() *llmcall.Response {
	resp := s.resp
	if len(s.candidates) == 0 && s.blocked != "" {
		resp.FinishReasons = []string{s.blocked}
	}
	for _, idx := range llmcall.SortedKeys(s.candidates) {
		c := s.candidates[idx]
		resp.FinishReasons = append(resp.FinishReasons, c.finish)
		if !s.capture {
			continue
		}
		msg := llmcall.Message{Role: "assistant", FinishReason: llmcall.OutputFinishReason(c.finish), Parts: []llmcall.Part{}}
		msg.Parts = llmcall.AppendStreamText(msg.Parts, &c.reasoning, &c.text)
		msg.Parts = append(msg.Parts, c.other...)
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return &resp
}
