CREATE DATABASE IF NOT EXISTS `kaizen` ON CLUSTER `shards`;

CREATE TABLE IF NOT EXISTS `kaizen`.`schema_migrations_local` ON CLUSTER `shards` (
    Version UInt32,
    Name String,
    AppliedAt DateTime64(3),
    AppliedBy String
) ENGINE = ReplacingMergeTree(AppliedAt)
ORDER BY Version;

CREATE TABLE IF NOT EXISTS `kaizen`.`schema_migrations` ON CLUSTER `shards` AS `kaizen`.`schema_migrations_local`
ENGINE = Distributed('shards', 'kaizen', 'schema_migrations_local', Version);

CREATE TABLE IF NOT EXISTS `kaizen`.`otel_traces_local` ON CLUSTER `shards` (
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(3)),
    TraceId String CODEC(ZSTD(3)),
    SpanId String CODEC(ZSTD(3)),
    ParentSpanId String CODEC(ZSTD(3)),
    TraceState String CODEC(ZSTD(3)),
    SpanName LowCardinality(String) CODEC(ZSTD(3)),
    SpanKind LowCardinality(String) CODEC(ZSTD(3)),
    ServiceName LowCardinality(String) CODEC(ZSTD(3)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    ScopeName String CODEC(ZSTD(3)),
    ScopeVersion String CODEC(ZSTD(3)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    Duration UInt64 CODEC(ZSTD(3)),
    StatusCode LowCardinality(String) CODEC(ZSTD(3)),
    StatusMessage String CODEC(ZSTD(3)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(3)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(3)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
) ENGINE = MergeTree()
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS `kaizen`.`otel_traces` ON CLUSTER `shards` AS `kaizen`.`otel_traces_local`
ENGINE = Distributed('shards', 'kaizen', 'otel_traces_local', cityHash64(TraceId));

CREATE TABLE IF NOT EXISTS `kaizen`.`otel_traces_trace_id_ts_local` ON CLUSTER `shards` (
    TraceId String CODEC(ZSTD(3)),
    Start DateTime CODEC(Delta, ZSTD(3)),
    End DateTime CODEC(Delta, ZSTD(3)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = MergeTree()
PARTITION BY toDate(Start)
ORDER BY (TraceId, Start)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS `kaizen`.`otel_traces_trace_id_ts` ON CLUSTER `shards` AS `kaizen`.`otel_traces_trace_id_ts_local`
ENGINE = Distributed('shards', 'kaizen', 'otel_traces_trace_id_ts_local', cityHash64(TraceId));

CREATE MATERIALIZED VIEW IF NOT EXISTS `kaizen`.`otel_traces_local_trace_id_ts_mv` ON CLUSTER `shards`
TO `kaizen`.`otel_traces_trace_id_ts_local`
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp) AS End
FROM `kaizen`.`otel_traces_local`
WHERE TraceId != ''
GROUP BY TraceId;

CREATE TABLE IF NOT EXISTS `kaizen`.`llm_calls_local` ON CLUSTER `shards` (
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(3)),
    TraceId String CODEC(ZSTD(3)),
    SpanId String CODEC(ZSTD(3)),
    ParentSpanId String CODEC(ZSTD(3)),
    ServiceName LowCardinality(String) CODEC(ZSTD(3)),
    Workflow LowCardinality(String) CODEC(ZSTD(3)),
    Agent LowCardinality(String) CODEC(ZSTD(3)),
    Operation LowCardinality(String) CODEC(ZSTD(3)),
    Provider LowCardinality(String) CODEC(ZSTD(3)),
    RequestModel LowCardinality(String) CODEC(ZSTD(3)),
    ResponseModel LowCardinality(String) CODEC(ZSTD(3)),
    InputTokens UInt64 CODEC(T64, ZSTD(3)),
    OutputTokens UInt64 CODEC(T64, ZSTD(3)),
    CacheReadTokens UInt64 CODEC(T64, ZSTD(3)),
    CacheWriteTokens UInt64 CODEC(T64, ZSTD(3)),
    ReasoningTokens UInt64 CODEC(T64, ZSTD(3)),
    CostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    InputCostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    OutputCostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    PriceVersion LowCardinality(String) CODEC(ZSTD(3)),
    PriceStatus LowCardinality(String) CODEC(ZSTD(3)),
    Duration UInt64 CODEC(T64, ZSTD(3)),
    TimeToFirstChunk UInt64 CODEC(T64, ZSTD(3)),
    Stream Bool CODEC(ZSTD(3)),
    FinishReasons Array(LowCardinality(String)) CODEC(ZSTD(3)),
    StatusCode LowCardinality(String) CODEC(ZSTD(3)),
    ErrorType LowCardinality(String) CODEC(ZSTD(3)),
    SystemInstructions String CODEC(ZSTD(3)),
    InputMessages String CODEC(ZSTD(3)),
    OutputMessages String CODEC(ZSTD(3)),
    ContentPolicy LowCardinality(String) CODEC(ZSTD(3)),
    PromptHash String CODEC(ZSTD(3)),
    PromptSimHash UInt64 CODEC(ZSTD(3)),
    SystemHash String CODEC(ZSTD(3)),
    PrefixHash String CODEC(ZSTD(3)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_request_model RequestModel TYPE set(0) GRANULARITY 4
) ENGINE = MergeTree()
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, Workflow, toDateTime(Timestamp), TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS `kaizen`.`llm_calls` ON CLUSTER `shards` AS `kaizen`.`llm_calls_local`
ENGINE = Distributed('shards', 'kaizen', 'llm_calls_local', cityHash64(TraceId));

CREATE TABLE IF NOT EXISTS `kaizen`.`analyses_local` ON CLUSTER `shards` (
    AnalysisId UUID,
    TraceId String CODEC(ZSTD(3)),
    Workflow LowCardinality(String) CODEC(ZSTD(3)),
    CreatedAt DateTime64(3) CODEC(Delta, ZSTD(3)),
    UpdatedAt DateTime64(3) CODEC(Delta, ZSTD(3)),
    Status LowCardinality(String) CODEC(ZSTD(3)),
    Mode LowCardinality(String) CODEC(ZSTD(3)),
    Model LowCardinality(String) CODEC(ZSTD(3)),
    Calls UInt32 CODEC(ZSTD(3)),
    OriginalCostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    OptimizedCostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    SavingsUSD Decimal(18, 12) CODEC(ZSTD(3)),
    Findings UInt32 CODEC(ZSTD(3)),
    AnalysisInputTokens UInt64 CODEC(ZSTD(3)),
    AnalysisOutputTokens UInt64 CODEC(ZSTD(3)),
    AnalysisCostUSD Decimal(18, 12) CODEC(ZSTD(3)),
    Error String CODEC(ZSTD(3)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = ReplacingMergeTree(UpdatedAt)
PARTITION BY toYYYYMM(CreatedAt)
ORDER BY (TraceId, AnalysisId);

CREATE TABLE IF NOT EXISTS `kaizen`.`analyses` ON CLUSTER `shards` AS `kaizen`.`analyses_local`
ENGINE = Distributed('shards', 'kaizen', 'analyses_local', cityHash64(TraceId));

CREATE TABLE IF NOT EXISTS `kaizen`.`findings_local` ON CLUSTER `shards` (
    AnalysisId UUID,
    TraceId String CODEC(ZSTD(3)),
    CreatedAt DateTime64(3) CODEC(Delta, ZSTD(3)),
    Ordinal UInt32 CODEC(ZSTD(3)),
    Type LowCardinality(String) CODEC(ZSTD(3)),
    Severity LowCardinality(String) CODEC(ZSTD(3)),
    Confidence Float64 CODEC(ZSTD(3)),
    CallNumbers Array(UInt32) CODEC(ZSTD(3)),
    SpanIds Array(String) CODEC(ZSTD(3)),
    Title String CODEC(ZSTD(3)),
    Explanation String CODEC(ZSTD(3)),
    Recommendation String CODEC(ZSTD(3)),
    SavingsUSD Decimal(18, 12) CODEC(ZSTD(3)),
    Source LowCardinality(String) CODEC(ZSTD(3)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(CreatedAt)
ORDER BY (TraceId, AnalysisId, Ordinal);

CREATE TABLE IF NOT EXISTS `kaizen`.`findings` ON CLUSTER `shards` AS `kaizen`.`findings_local`
ENGINE = Distributed('shards', 'kaizen', 'findings_local', cityHash64(TraceId));

ALTER TABLE `kaizen`.`llm_calls_local` ON CLUSTER `shards` ADD INDEX IF NOT EXISTS idx_prompt_hash PromptHash TYPE bloom_filter(0.01) GRANULARITY 1;

ALTER TABLE `kaizen`.`analyses_local` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS DroppedFindings UInt32 DEFAULT 0 CODEC(ZSTD(3)) AFTER Findings;

ALTER TABLE `kaizen`.`analyses` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS DroppedFindings UInt32 DEFAULT 0 CODEC(ZSTD(3)) AFTER Findings;

ALTER TABLE `kaizen`.`otel_traces_local` ON CLUSTER `shards` MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE `kaizen`.`llm_calls_local` ON CLUSTER `shards` MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE `kaizen`.`analyses_local` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS AnalyzerVersion LowCardinality(String) DEFAULT '' CODEC(ZSTD(3)) AFTER Model;

ALTER TABLE `kaizen`.`analyses` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS AnalyzerVersion LowCardinality(String) DEFAULT '' CODEC(ZSTD(3)) AFTER Model;

ALTER TABLE `kaizen`.`analyses_local` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS RunSpans UInt32 DEFAULT 0 CODEC(ZSTD(3)) AFTER Calls;

ALTER TABLE `kaizen`.`analyses` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS RunSpans UInt32 DEFAULT 0 CODEC(ZSTD(3)) AFTER Calls;

ALTER TABLE `kaizen`.`analyses_local` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS RunEnd DateTime64(9) DEFAULT 0 CODEC(Delta, ZSTD(3)) AFTER RunSpans;

ALTER TABLE `kaizen`.`analyses` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS RunEnd DateTime64(9) DEFAULT 0 CODEC(Delta, ZSTD(3)) AFTER RunSpans;

ALTER TABLE `kaizen`.`llm_calls_local` ON CLUSTER `shards` ADD PROJECTION IF NOT EXISTS calls_hourly (
  SELECT toStartOfHour(Timestamp), ServiceName, Workflow, Provider, RequestModel, Agent,
    count(), sum(CostUSD), countIf(PriceStatus = 'unpriced'), countIf(PriceStatus = 'partial'),
    countIf(StatusCode = 'Error' OR ErrorType != ''), countIf(hasAny(splitByChar(',', lower(arrayStringConcat(FinishReasons, ','))), ['length', 'max_tokens', 'max_output_tokens'])),
    sum(if(InputTokens < CacheReadTokens + CacheWriteTokens, InputTokens + CacheReadTokens + CacheWriteTokens, InputTokens)), sum(OutputTokens), sum(CacheReadTokens), sum(CacheWriteTokens), sum(ReasoningTokens)
  GROUP BY toStartOfHour(Timestamp), ServiceName, Workflow, Provider, RequestModel, Agent);

ALTER TABLE `kaizen`.`llm_calls_local` ON CLUSTER `shards` MATERIALIZE PROJECTION calls_hourly;

ALTER TABLE `kaizen`.`llm_calls_local` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS ReportedCostUSD Nullable(Decimal(18, 12)) CODEC(ZSTD(3)) AFTER OutputCostUSD;

ALTER TABLE `kaizen`.`llm_calls` ON CLUSTER `shards` ADD COLUMN IF NOT EXISTS ReportedCostUSD Nullable(Decimal(18, 12)) CODEC(ZSTD(3)) AFTER OutputCostUSD;
