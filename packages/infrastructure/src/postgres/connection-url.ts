/**
 * What a DATABASE_URL parameter may be: something postgres.js reads itself, or a setting
 * PostgreSQL accepts when a connection starts. postgres.js 3.4.9 sends every parameter it
 * does not read to the server as a startup parameter, and the server (or a pooler) refuses
 * the connection for an unknown one (FATAL 42704 "unrecognized configuration parameter"):
 * so anything else (libpq-only keywords such as Neon's `channel_binding`, typos) is dropped.
 */
const DRIVER = new Set([
  'sslmode', 'ssl', 'sslnegotiation', 'target_session_attrs', 'connect_timeout', 'idle_timeout', 'max_lifetime', 'keep_alive',
]);

/**
 * The settings PostgreSQL 15 accepts at connection start (pg_settings, context user,
 * superuser, backend or superuser-backend), lower case, and `options`.
 */
const SERVER = new Set([
  'options',
  'datestyle', 'intervalstyle', 'timezone', 'allow_in_place_tablespaces', 'allow_system_table_mods',
  'application_name', 'array_nulls', 'backend_flush_after', 'backslash_quote', 'backtrace_functions', 'bytea_output',
  'check_function_bodies', 'client_connection_check_interval', 'client_encoding', 'client_min_messages',
  'commit_delay', 'commit_siblings', 'composite_type_mismatch', 'compute_query_id', 'constraint_exclusion',
  'cpu_index_tuple_cost', 'cpu_operator_cost', 'cpu_tuple_cost', 'cursor_tuple_fraction', 'deadlock_timeout',
  'debug_discard_caches', 'debug_pretty_print', 'debug_print_parse', 'debug_print_plan', 'debug_print_rewritten',
  'default_statistics_target', 'default_table_access_method', 'default_tablespace', 'default_text_search_config',
  'default_toast_compression', 'default_transaction_deferrable', 'default_transaction_isolation',
  'default_transaction_read_only', 'dynamic_library_path', 'effective_cache_size', 'effective_io_concurrency',
  'enable_async_append', 'enable_bitmapscan', 'enable_gathermerge', 'enable_hashagg', 'enable_hashjoin',
  'enable_incremental_sort', 'enable_indexonlyscan', 'enable_indexscan', 'enable_material', 'enable_memoize',
  'enable_mergejoin', 'enable_nestloop', 'enable_parallel_append', 'enable_parallel_hash',
  'enable_partition_pruning', 'enable_partitionwise_aggregate', 'enable_partitionwise_join', 'enable_seqscan',
  'enable_sort', 'enable_tidscan', 'escape_string_warning', 'exit_on_error', 'extension_destdir',
  'extra_float_digits', 'force_parallel_mode', 'from_collapse_limit', 'geqo', 'geqo_effort', 'geqo_generations',
  'geqo_pool_size', 'geqo_seed', 'geqo_selection_bias', 'geqo_threshold', 'gin_fuzzy_search_limit',
  'gin_pending_list_limit', 'hash_mem_multiplier', 'idle_in_transaction_session_timeout', 'idle_session_timeout',
  'ignore_checksum_failure', 'ignore_system_indexes', 'jit', 'jit_above_cost', 'jit_debugging_support',
  'jit_dump_bitcode', 'jit_expressions', 'jit_inline_above_cost', 'jit_optimize_above_cost', 'jit_profiling_support',
  'jit_tuple_deforming', 'join_collapse_limit', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time',
  'lo_compat_privileges', 'local_preload_libraries', 'lock_timeout', 'log_connections', 'log_disconnections',
  'log_duration', 'log_error_verbosity', 'log_executor_stats', 'log_lock_waits', 'log_min_duration_sample',
  'log_min_duration_statement', 'log_min_error_statement', 'log_min_messages', 'log_parameter_max_length',
  'log_parameter_max_length_on_error', 'log_parser_stats', 'log_planner_stats', 'log_replication_commands',
  'log_statement', 'log_statement_sample_rate', 'log_statement_stats', 'log_temp_files',
  'log_transaction_sample_rate', 'logical_decoding_work_mem', 'maintenance_io_concurrency', 'maintenance_work_mem',
  'max_parallel_maintenance_workers', 'max_parallel_workers', 'max_parallel_workers_per_gather', 'max_stack_depth',
  'min_parallel_index_scan_size', 'min_parallel_table_scan_size', 'output_plugin_libraries',
  'parallel_leader_participation', 'parallel_setup_cost', 'parallel_tuple_cost', 'password_encryption',
  'plan_cache_mode', 'post_auth_delay', 'quote_all_identifiers', 'random_page_cost', 'recursive_worktable_factor',
  'restrict_nonsystem_relation_kind', 'row_security', 'search_path', 'seq_page_cost', 'session_preload_libraries',
  'session_replication_role', 'standard_conforming_strings', 'statement_timeout', 'stats_fetch_consistency',
  'synchronize_seqscans', 'synchronous_commit', 'tcp_keepalives_count', 'tcp_keepalives_idle',
  'tcp_keepalives_interval', 'tcp_user_timeout', 'temp_buffers', 'temp_file_limit', 'temp_tablespaces',
  'timezone_abbreviations', 'trace_notify', 'trace_sort', 'track_activities', 'track_counts', 'track_functions',
  'track_io_timing', 'track_wal_io_timing', 'transaction_deferrable', 'transaction_isolation',
  'transaction_read_only', 'transform_null_equals', 'update_process_title', 'vacuum_cost_delay', 'vacuum_cost_limit',
  'vacuum_cost_page_dirty', 'vacuum_cost_page_hit', 'vacuum_cost_page_miss', 'vacuum_failsafe_age',
  'vacuum_freeze_min_age', 'vacuum_freeze_table_age', 'vacuum_multixact_failsafe_age',
  'vacuum_multixact_freeze_min_age', 'vacuum_multixact_freeze_table_age', 'wal_compression',
  'wal_consistency_checking', 'wal_init_zero', 'wal_recycle', 'wal_sender_timeout', 'wal_skip_threshold', 'work_mem',
  'xmlbinary', 'xmloption', 'zero_damaged_pages',
]);

export interface ConnectionUrl {
  /** The URL to hand to postgres.js. */
  readonly url: string;
  /** Parameters removed, for a warning that names them (values are never shown: they may be secrets). */
  readonly dropped: readonly string[];
}

/**
 * The URL without the parameters neither postgres.js nor PostgreSQL understands. Server
 * settings (application_name, options, search_path, ...) and custom `prefix.name` settings
 * stay. `sslrootcert=system` becomes what postgres.js makes of it, certificate verification:
 * `sslmode=verify-full`. postgres.js has no channel binding: `channel_binding=require`
 * cannot be honoured, only dropped.
 */
export function connectionUrl(url: string): ConnectionUrl {
  const start = url.indexOf('?');
  if (start === -1) return { url, dropped: [] };
  const parameters = new URLSearchParams(url.slice(start + 1));
  if (parameters.get('sslrootcert') === 'system') {
    parameters.set('sslmode', 'verify-full');
    parameters.delete('sslrootcert');
  }
  const dropped = [...new Set([...parameters.keys()].filter((name) => !isUnderstood(name)))];
  for (const name of dropped) parameters.delete(name);
  const query = parameters.toString();
  return { url: query === '' ? url.slice(0, start) : `${url.slice(0, start)}?${query}`, dropped };
}

function isUnderstood(name: string): boolean {
  const lower = name.toLowerCase();
  return DRIVER.has(name) || SERVER.has(lower) || /^[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*$/.test(lower);
}
