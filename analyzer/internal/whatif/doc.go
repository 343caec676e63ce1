// Package whatif re-prices a whole run under a hypothetical change, exactly
// and deterministically, with internal/domain/pricing: every chat call under
// another model (Model), repeated stable prompt prefixes read from the
// prompt cache (Cache), or every call sent through the provider's batch API
// (Batch). Both sides of the comparison are priced with the same table, so
// the difference is the change alone.
package whatif
