package pricing

import (
	_ "embed"
	"fmt"
	"os"
	"sort"
	"sync"
)

//go:embed prices.yaml
var embeddedPrices []byte

// Table is an immutable, versioned price table. It is safe for concurrent use.
type Table struct {
	version   string
	replace   bool
	providers map[string]*providerPrices
	order     []string
	// aliases maps a normalized provider name (e.g. "azure.ai.openai") to a
	// provider key of the table.
	aliases map[string]string
	cache   *resolveCache
}

type providerPrices struct {
	name   string
	models []*Model
	// index maps every normalized name and alias to its model.
	index map[string]*Model
}

func newTable(version string) *Table {
	return &Table{version: version, providers: map[string]*providerPrices{}, aliases: map[string]string{},
		cache: &resolveCache{m: map[string]*Model{}}}
}

func (t *Table) provider(name string) *providerPrices {
	key := normProvider(name)
	if p, ok := t.providers[key]; ok {
		return p
	}
	p := &providerPrices{name: key, index: map[string]*Model{}}
	t.providers[key] = p
	t.order = append(t.order, key)
	return p
}

// add indexes m; with replace it supersedes the model with the same name or
// alias, otherwise a clash is an error.
func (p *providerPrices) add(m *Model, replace bool) error {
	keys := append([]string{m.Name}, m.Aliases...)
	for _, k := range keys {
		old, ok := p.index[normModel(k)]
		if !ok {
			continue
		}
		if !replace {
			return fmt.Errorf("model id %q defined twice (in %q and %q)", k, old.Name, m.Name)
		}
		p.remove(old)
	}
	p.models = append(p.models, m)
	for _, k := range keys {
		p.index[normModel(k)] = m
	}
	return nil
}

func (p *providerPrices) remove(m *Model) {
	for k, v := range p.index {
		if v == m {
			delete(p.index, k)
		}
	}
	for i, v := range p.models {
		if v == m {
			p.models = append(p.models[:i:i], p.models[i+1:]...)
			return
		}
	}
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default returns the embedded price table shipped with this version of
// Kaizen. The embedded file is validated by the package tests.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := Parse(embeddedPrices, "embedded prices.yaml")
		if err != nil {
			panic(fmt.Sprintf("pricing: embedded table is invalid: %v", err)) // build defect, covered by tests
		}
		defaultTable = t
	})
	return defaultTable
}

// Load reads a user price file and merges it over Default(): its entries
// override built-in models with the same provider and name (or alias) and add
// new ones. A file with `replace: true` is used alone.
func Load(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load price table %s: %w", path, err)
	}
	user, err := Parse(data, path)
	if err != nil {
		return nil, fmt.Errorf("load price table: %w", err)
	}
	if user.replace {
		return user, nil
	}
	return Default().Merge(user), nil
}

// Merge returns a new table with every model of override replacing the model
// of t with the same provider and name or alias (whole entries, not single
// prices), plus override's new models and provider aliases. The version is
// "<t version>+<override version>".
func (t *Table) Merge(override *Table) *Table {
	out := newTable(t.version + "+" + override.version)
	for _, src := range []*Table{t, override} {
		for a, p := range src.aliases {
			out.aliases[a] = p
		}
		for _, name := range src.order {
			p := out.provider(name)
			for _, m := range src.providers[name].models {
				_ = p.add(m, true) // replace never fails
			}
		}
	}
	return out
}

// Version returns the table version recorded in kaizen.price.version.
func (t *Table) Version() string { return t.version }

// Providers returns the table's provider keys in file order.
func (t *Table) Providers() []string { return append([]string(nil), t.order...) }

// Models returns the models of a provider (any accepted provider name, e.g.
// "gcp.vertex_ai" or "aws.bedrock"), sorted by name. An empty provider
// returns every model of the table.
func (t *Table) Models(provider string) []*Model {
	var out []*Model
	if provider == "" {
		for _, name := range t.order {
			out = append(out, t.providers[name].models...)
		}
	} else if p := t.providers[t.providerKey(provider)]; p != nil {
		out = append(out, p.models...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].Name < out[j].Name
	})
	return out
}
