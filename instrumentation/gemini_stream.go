package instrumentation

// gmStream accumulates Gemini GenerateContentResponse chunks. Usage metadata
// is cumulative: the last one seen wins.
type gmStream struct {
	capture    bool
	limit      int
	resp       Response
	candidates map[int]*gmCandidate
	blocked    string
	err        error
}

type gmCandidate struct {
	text, reasoning textBuilder
	other           []Part
	finish          string
}

func (geminiCodec) newStream(capture bool, limit int) streamAccumulator {
	return &gmStream{capture: capture, limit: limit, candidates: map[int]*gmCandidate{}}
}

func (s *gmStream) event(_ string, data []byte) error {
	var chunk gmResponse
	if err := decode(data, &chunk, "response chunk"); err != nil {
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
		s.resp.Usage = chunk.UsageMetadata.usage()
	}
	if pf := chunk.PromptFeedback; pf != nil && pf.BlockReason != "" {
		s.blocked = pf.BlockReason
	}
	for _, c := range chunk.Candidates {
		st := s.candidates[c.Index]
		if st == nil {
			st = &gmCandidate{text: textBuilder{limit: s.limit}, reasoning: textBuilder{limit: s.limit}}
			s.candidates[c.Index] = st
		}
		if c.FinishReason != "" {
			st.finish = c.FinishReason
		}
		if !s.capture || c.Content == nil {
			continue
		}
		for _, p := range c.Content.Parts {
			switch part := gmPartOf(p); part.Type {
			case "text":
				st.text.add(part.Content)
			case "reasoning":
				st.reasoning.add(part.Content)
			default:
				st.other = append(st.other, part)
			}
		}
	}
	return nil
}

func (s *gmStream) failure() error { return s.err }

// done reports whether every candidate has finished, or the prompt was
// blocked.
func (s *gmStream) done() bool {
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

func (s *gmStream) response() *Response {
	resp := s.resp
	if len(s.candidates) == 0 && s.blocked != "" {
		resp.FinishReasons = []string{s.blocked}
	}
	for _, idx := range sortedKeys(s.candidates) {
		c := s.candidates[idx]
		resp.FinishReasons = append(resp.FinishReasons, c.finish)
		if !s.capture {
			continue
		}
		msg := Message{Role: "assistant", FinishReason: outputFinishReason(c.finish), Parts: []Part{}}
		msg.Parts = appendStreamText(msg.Parts, &c.reasoning, &c.text)
		msg.Parts = append(msg.Parts, c.other...)
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return &resp
}
