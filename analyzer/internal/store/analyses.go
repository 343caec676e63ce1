package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// Status is the state of an analysis.
type Status string

// Analysis states, in order. Each change is written as a new version row.
const (
	StatusPending   Status = "pending"
	StatusAnalyzing Status = "analyzing"
	StatusAnalyzed  Status = "analyzed"
	StatusFailed    Status = "failed"
)

// Analysis is one analyses row (one version of it).
type Analysis struct {
	ID        uuid.UUID
	TraceID   string
	Workflow  string
	CreatedAt time.Time
	Status    Status
	// Mode is "offline" or "gemini".
	Mode  string
	Model string
	// AnalyzerVersion is the analysis.Version that wrote the row.
	AnalyzerVersion string
	Calls           int
	// RunSpans and RunEnd are the extent of the run when it was loaded: a
	// run with more spans, or spans ending later, is analyzed again.
	RunSpans int
	RunEnd   time.Time
	// Costs of the run before and after the verified findings.
	OriginalCost, OptimizedCost, Savings pricing.USD
	Findings                             int
	// What the analysis itself spent (Gemini usage, priced).
	AnalysisInputTokens, AnalysisOutputTokens int64
	AnalysisCost                              pricing.USD
	Error                                     string

	// updatedAt is the UpdatedAt of the last version written or read.
	updatedAt time.Time
}

// UpdatedAt is when the version last written or read was written.
func (a *Analysis) UpdatedAt() time.Time { return a.updatedAt }

// NewAnalysis starts a new analysis of a trace with a fresh id; re-analysis
// therefore never overwrites an earlier analysis.
func NewAnalysis(traceID, workflow string, now time.Time) *Analysis {
	return &Analysis{ID: uuid.New(), TraceID: traceID, Workflow: workflow, CreatedAt: now.UTC(), Status: StatusPending}
}

// analysisColumns are the analyses columns SaveAnalysis writes and
// LoadAnalysis reads, in this order.
const analysisColumns = `AnalysisId, TraceId, Workflow, CreatedAt, UpdatedAt,
 Status, Mode, Model, AnalyzerVersion, Calls, RunSpans, RunEnd, OriginalCostUSD, OptimizedCostUSD, SavingsUSD, Findings, AnalysisInputTokens,
 AnalysisOutputTokens, AnalysisCostUSD, Error`

const insertAnalysis = "INSERT INTO " + schema.TableAnalyses + " (" + analysisColumns + ")"

// SaveAnalysis writes a version row of a with the given status. The table
// is a ReplacingMergeTree on UpdatedAt, so the newest version wins; every
// status change (pending → analyzing → analyzed | failed) is one row.
func (s *Store) SaveAnalysis(ctx context.Context, a *Analysis, status Status) error {
	a.Status = status
	// UpdatedAt (millisecond precision) must grow strictly with each version
	// so that the newest status always wins.
	updated := time.Now().UTC().Truncate(time.Millisecond)
	if floor := a.CreatedAt.Truncate(time.Millisecond); updated.Before(floor) {
		updated = floor
	}
	if !a.updatedAt.IsZero() && !updated.After(a.updatedAt) {
		updated = a.updatedAt.Add(time.Millisecond)
	}
	a.updatedAt = updated
	batch, err := s.conn.PrepareBatch(ctx, insertAnalysis)
	if err != nil {
		return s.wrap("prepare analyses insert", err)
	}
	defer func() { _ = batch.Abort() }()
	if err := batch.Append(a.ID, a.TraceID, a.Workflow, a.CreatedAt, updated, string(status), a.Mode, a.Model,
		a.AnalyzerVersion, uint32(a.Calls), uint32(a.RunSpans), a.RunEnd.UTC(), fromUSD(a.OriginalCost), fromUSD(a.OptimizedCost), fromUSD(a.Savings),
		uint32(a.Findings), uint64(a.AnalysisInputTokens), uint64(a.AnalysisOutputTokens),
		fromUSD(a.AnalysisCost), a.Error); err != nil {
		return fmt.Errorf("analysis %s: append row: %w", a.ID, err)
	}
	if err := batch.Send(); err != nil {
		return s.wrap(fmt.Sprintf("write analysis %s (%s)", a.ID, status), err)
	}
	return nil
}

// findingColumns are the findings columns after AnalysisId, TraceId and
// CreatedAt that SaveFindings writes and the readers read, in this order.
const findingColumns = `Ordinal, Type, Severity, Confidence, CallNumbers, SpanIds, Title, Explanation, Recommendation, SavingsUSD, Source`

const insertFindings = "INSERT INTO " + schema.TableFindings + " (AnalysisId, TraceId, CreatedAt, " + findingColumns + ")"

// SaveFindings writes the findings of analysis a in one batch, Ordinal
// being their position in the report (from 1).
func (s *Store) SaveFindings(ctx context.Context, a *Analysis, findings []run.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	batch, err := s.conn.PrepareBatch(ctx, insertFindings)
	if err != nil {
		return s.wrap("prepare findings insert", err)
	}
	defer func() { _ = batch.Abort() }()
	for i, f := range findings {
		calls := make([]uint32, len(f.Calls))
		for j, n := range f.Calls {
			calls[j] = uint32(n)
		}
		spans := f.SpanIDs
		if spans == nil {
			spans = []string{}
		}
		if err := batch.Append(a.ID, a.TraceID, a.CreatedAt, uint32(i+1), string(f.Type), string(f.Severity),
			f.Confidence, calls, spans, f.Title, f.Explanation, f.Recommendation, fromUSD(f.Savings),
			string(f.Source)); err != nil {
			return fmt.Errorf("analysis %s: append finding %d: %w", a.ID, i+1, err)
		}
	}
	if err := batch.Send(); err != nil {
		return s.wrap(fmt.Sprintf("write %d findings of analysis %s", len(findings), a.ID), err)
	}
	return nil
}
