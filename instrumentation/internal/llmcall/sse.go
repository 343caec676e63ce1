package llmcall

import "bytes"

// SSEParser splits a Server-Sent Events byte stream into events as bytes
// arrive, in any chunking. Lines end with "\n" or "\r\n". Memory is bounded:
// a line or an event's data longer than Limit is dropped and counted in
// Dropped.
type SSEParser struct {
	Limit int
	// Emit receives each complete event; data is reused after it returns.
	Emit    func(name string, data []byte)
	Dropped int // events dropped for size
	line    []byte
	event   string
	data    []byte
	hasData bool
	tooLong bool // the current line or event exceeded Limit
}

// Feed consumes the next bytes of the stream, emitting complete events.
func (s *SSEParser) Feed(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.appendLine(p)
			return
		}
		if len(s.line) == 0 && !s.tooLong {
			s.handleLine(p[:i])
		} else {
			s.appendLine(p[:i])
			s.handleLine(s.line)
		}
		s.line = s.line[:0]
		p = p[i+1:]
	}
}

func (s *SSEParser) appendLine(p []byte) {
	if len(s.line)+len(p) > s.Limit {
		s.tooLong = true
		return
	}
	s.line = append(s.line, p...)
}

func (s *SSEParser) handleLine(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if s.tooLong && len(line) > 0 {
		// The rest of an oversized line: the event it belongs to is lost.
		s.line = s.line[:0]
		return
	}
	if len(line) == 0 {
		s.dispatch()
		return
	}
	if line[0] == ':' {
		return // comment
	}
	field, value, _ := bytes.Cut(line, []byte{':'})
	value = bytes.TrimPrefix(value, []byte{' '})
	switch string(field) {
	case "event":
		s.event = string(value)
	case "data":
		if s.hasData {
			s.data = append(s.data, '\n')
		}
		if len(s.data)+len(value) > s.Limit {
			s.tooLong = true
			return
		}
		s.data = append(s.data, value...)
		s.hasData = true
	}
}

// dispatch emits the pending event, if any.
func (s *SSEParser) dispatch() {
	switch {
	case s.tooLong:
		s.Dropped++
	case s.hasData:
		s.Emit(s.event, s.data)
	}
	s.event, s.data, s.hasData, s.tooLong = "", s.data[:0], false, false
}

// Flush emits a final event not followed by a blank line.
func (s *SSEParser) Flush() {
	if len(s.line) > 0 {
		s.handleLine(s.line)
		s.line = s.line[:0]
	}
	if s.hasData || s.tooLong {
		s.dispatch()
	}
}
