package store

import "context"

// RestartAnswer puts a finished answer back into [StateStreaming] with
// content as its text so far (empty for a retry, the kept text for a
// continue), clearing its reasoning, statistics and outcome; a continue that
// keeps the earlier reasoning writes it back with [Store.CheckpointAnswer].
// Entering the streaming state takes it out of the search index until it
// finishes again.
//
// run is the new run's number: later checkpoints and the final write must
// name it.
func (s *Store) RestartAnswer(ctx context.Context, id, run int64, content, endpointID, model string) error {
	res, err := s.write.ExecContext(ctx, `UPDATE messages SET content = ?, state = 'streaming', run = ?, updated_at = ?,
		endpoint_id = ?, model = ?, first_token_ms = 0, tokens_per_second = 0, prompt_tokens = 0,
		completion_tokens = 0, recovered = 0, recovery_reason = '', recovery_method = '',
		end_reason = '', error = '', reasoning = '', thinking_ms = 0
		WHERE id = ? AND role = 'assistant' AND state <> 'streaming'`,
		content, run, s.now(), endpointID, model, id)
	return requireOneRow(res, err, "finished answer", id)
}
