package triage

import "os"

// SampleTickets are the tickets the demo triages.
var SampleTickets = []Ticket{
	{ID: "T-1001", Customer: "Ada Lovelace", Text: "I was charged twice for the Team plan this month, please refund one of the charges."},
	{ID: "T-1002", Customer: "Grace Hopper", Text: "The export button crashes the dashboard since this morning's update."},
	{ID: "T-1003", Customer: "Alan Turing", Text: "Please add dark mode to the mobile app, my whole team keeps asking for it."},
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
