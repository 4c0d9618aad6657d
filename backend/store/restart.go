package store

import "context"

// ContinueAnswer puts a finished answer back into [StateStreaming] to be
// continued by run (later checkpoints and the final write must name it),
// keeping its text, its reasoning, how long it thought and how many tokens
// it has spent of its budget, and clearing its outcome and other statistics. It is one UPDATE, so a crash leaves the answer
// either as it was or streaming with everything it had. Entering the
// streaming state takes it out of the search index until it finishes again.
func (s *Store) ContinueAnswer(ctx context.Context, id, run int64, endpointID, model string) error {
	res, err := s.write.ExecContext(ctx, `UPDATE messages SET state = 'streaming', run = ?, updated_at = ?,
		endpoint_id = ?, model = ?, first_token_ms = 0, tokens_per_second = 0, prompt_tokens = 0,
		recovered = 0, recovery_reason = '', recovery_method = '',
		end_reason = '', error = ''
		WHERE id = ? AND role = 'assistant' AND state <> 'streaming'`,
		run, s.now(), endpointID, model, id)
	return requireOneRow(res, err, "finished answer", id)
}

// EndAppClosed is the end reason of an answer cut short because Brook
// closed: quit while it streamed, or found still streaming at the next
// start after a crash or a power cut. Such answers are resumed at the next
// start ([Store.ToResume]).
const EndAppClosed = "app_closed"

// ToResume lists the answers that Brook's closing cut short and that have
// not been taken up since, oldest first.
func (s *Store) ToResume(ctx context.Context) ([]Message, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE state = 'interrupted' AND end_reason = ? AND role = 'assistant'
		  AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.deleted_at IS NULL)
		ORDER BY id`, EndAppClosed)
	list, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, err
	}
	return list, attachToolResults(ctx, s.read, list)
}
