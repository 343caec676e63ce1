package triage

import (
	"fmt"
	"strings"
)

// Catalog is the product catalog the researcher pastes into its prompt:
// about 8 KB of plan descriptions that the answers never need.
var Catalog = buildCatalog()

func buildCatalog() string {
	plans := []struct {
		name, price string
		seats       int
	}{
		{"Starter", "$19/month", 3}, {"Team", "$79/month", 15}, {"Business", "$249/month", 50},
		{"Enterprise", "custom pricing", 1000}, {"Education", "$9/month", 30}, {"Nonprofit", "$29/month", 25},
	}
	features := []string{
		"unlimited projects", "single sign-on", "audit log retention", "priority support",
		"custom roles", "data residency in the EU or the US", "99.9% uptime SLA", "API rate limit of 600 requests per minute",
		"sandbox environments", "webhooks with retries", "SCIM provisioning", "usage-based add-ons",
	}
	var b strings.Builder
	b.WriteString("PRODUCT CATALOG (internal reference, revision 2026-10)\n")
	for i, p := range plans {
		fmt.Fprintf(&b, "\nPlan %s — %s, up to %d seats.\n", p.name, p.price, p.seats)
		for j, f := range features {
			if (i+j)%3 != 2 {
				fmt.Fprintf(&b, "  - %s plan includes %s; see section %d.%d of the service description for limits, "+
					"exceptions, regional availability and the migration path from older plans.\n", p.name, f, i+1, j+1)
			}
		}
	}
	return b.String()
}
