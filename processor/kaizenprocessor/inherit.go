package kaizenprocessor

// inheritNames copies gen_ai.workflow.name and gen_ai.agent.name from the
// nearest ancestor span in the same batch to GenAI spans that lack them
// (dialects such as OpenLLMetry and the Vercel AI SDK put them only on the
// workflow or agent span). Ancestors that are not GenAI spans are walked
// through.
func inheritNames(idx *batchIndex) {
	names := func(i int32) (wf, ag string) {
		a := idx.nodes[i].attrs
		if v, ok := a.Get("gen_ai.workflow.name"); ok {
			wf = v.AsString()
		}
		if v, ok := a.Get("gen_ai.agent.name"); ok {
			ag = v.AsString()
		}
		return wf, ag
	}
	for i := range idx.nodes {
		n := &idx.nodes[i]
		if _, ok := n.attrs.Get(AttrContentPolicy); !ok {
			continue // not a GenAI span
		}
		ownWf, ownAg := names(int32(i))
		wf, ag := ownWf, ownAg
		cur := int32(i)
		for k := 0; k < maxAncestors && (wf == "" || ag == ""); k++ {
			if cur = idx.parentOf(cur); cur < 0 {
				break
			}
			pw, pa := names(cur)
			if wf == "" {
				wf = pw
			}
			if ag == "" {
				ag = pa
			}
		}
		if ownWf == "" && wf != "" {
			n.attrs.PutStr("gen_ai.workflow.name", wf)
		}
		if ownAg == "" && ag != "" {
			n.attrs.PutStr("gen_ai.agent.name", ag)
		}
	}
}
