package kaizenclickhouseexporter

import (
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// kvMap is an attribute map as alternating keys and values (strings held
// as interfaces, boxed once when the map is built rather than on every
// read: the encoder takes values as any, and a resource's map is read once
// per span), appended to a Map(LowCardinality(String), String) column in
// its original order without building a Go map. It implements
// column.IterableOrderedMap.
type kvMap []any

var _ column.IterableOrderedMap = kvMap(nil)

// Put is required by column.IterableOrderedMap; the exporter only writes.
func (m kvMap) Put(any, any) {}

// Iterator returns an iterator over the pairs.
func (m kvMap) Iterator() column.MapIterator { return &kvIterator{m: m, i: -2} }

type kvIterator struct {
	m kvMap
	i int
}

func (it *kvIterator) Next() bool { it.i += 2; return it.i < len(it.m) }
func (it *kvIterator) Key() any   { return it.m[it.i] }
func (it *kvIterator) Value() any { return it.m[it.i+1] }

// attrs converts attributes the way the contrib ClickHouse exporter does
// (every value as pcommon.Value.AsString), sanitized.
func (s *sanitizer) attrs(m pcommon.Map) kvMap { return s.attrsReplacing(m, nil) }

// attrsReplacing is attrs with the values of the keys in replace taken
// from replace instead.
func (s *sanitizer) attrsReplacing(m pcommon.Map, replace map[string]string) kvMap {
	if m.Len() == 0 {
		return kvMap{}
	}
	out := make(kvMap, 0, 2*m.Len())
	for k, v := range m.All() {
		if r, ok := replace[k]; ok {
			out = append(out, k, r)
			continue
		}
		out = append(out, s.str(k), s.str(v.AsString()))
	}
	return out
}

// ContentReferencePrefix starts the value that replaces a GenAI content
// attribute in otel_traces.SpanAttributes with traces_content: reference;
// the llm_calls column follows, e.g. "[kaizen: in llm_calls.InputMessages]".
// Join on TraceId and SpanId to read the content.
const ContentReferencePrefix = "[kaizen: in llm_calls."

// contentReferences maps the GenAI content attributes to the markers that
// replace them, naming the llm_calls column that holds the content.
var contentReferences = map[string]string{
	genai.SystemInstructions: ContentReferencePrefix + "SystemInstructions]",
	genai.InputMessages:      ContentReferencePrefix + "InputMessages]",
	genai.OutputMessages:     ContentReferencePrefix + "OutputMessages]",
}
