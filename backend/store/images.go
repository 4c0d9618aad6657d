package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ImageInput is an image the UI attaches to a new message: its file name, its
// declared MIME type and its bytes in base64 (no "data:" prefix).
type ImageInput struct {
	Name string `json:"name"`
	MIME string `json:"mime"`
	Data string `json:"data"`
}

// Image is an image attached to a user's message, for vision models.
// Messages read for a conversation carry the metadata only; Data is filled
// where the bytes are needed: in exports ([Store.Bundles], where it is
// written as base64), imports, [Store.ConversationImages] and
// [Store.ImageData].
type Image struct {
	ID        int64  `json:"id"`
	MessageID int64  `json:"messageId"`
	Name      string `json:"name"`
	MIME      string `json:"mime"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Size      int64  `json:"size"`
	// Data is the image's bytes, when read with them.
	Data []byte `json:"data,omitempty" ts_type:"string"`
}

// insertImages writes the images of message messageID within tx, in order,
// and sets their IDs, MessageID and Size. Every image needs its bytes.
func insertImages(ctx context.Context, tx *sql.Tx, messageID int64, images []Image) error {
	for i := range images {
		img := &images[i]
		if len(img.Data) == 0 {
			return invalid("image %d of the message has no data", i+1)
		}
		if img.MIME == "" {
			return invalid("image %d of the message has no type", i+1)
		}
		img.MessageID, img.Size = messageID, int64(len(img.Data))
		err := tx.QueryRowContext(ctx, `INSERT INTO images (message_id, name, mime, width, height, size, data)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			messageID, img.Name, img.MIME, img.Width, img.Height, img.Size, img.Data).Scan(&img.ID)
		if err != nil {
			return fmt.Errorf("image %d: %w", i+1, err)
		}
	}
	return nil
}

// withoutData returns images with their bytes dropped: metadata for the UI.
func withoutData(images []Image) []Image {
	if len(images) == 0 {
		return nil
	}
	out := make([]Image, len(images))
	for i, img := range images {
		img.Data = nil
		out[i] = img
	}
	return out
}

// conversationImages reads the images of every message of a conversation in
// one query, by message, in the order they were added; with data, their
// bytes too.
func conversationImages(ctx context.Context, q querier, conversationID int64, data bool) (map[int64][]Image, error) {
	cols := `i.id, i.message_id, i.name, i.mime, i.width, i.height, i.size`
	if data {
		cols += `, i.data`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM images i JOIN messages m ON m.id = i.message_id
		WHERE m.conversation_id = ? ORDER BY i.id`, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byMessage := map[int64][]Image{}
	for rows.Next() {
		var img Image
		dest := []any{&img.ID, &img.MessageID, &img.Name, &img.MIME, &img.Width, &img.Height, &img.Size}
		if data {
			dest = append(dest, &img.Data)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		byMessage[img.MessageID] = append(byMessage[img.MessageID], img)
	}
	return byMessage, rows.Err()
}

// ConversationImages returns the images of a conversation's messages with
// their bytes, by message ID: what a request to a vision model sends again
// with every turn.
func (s *Store) ConversationImages(ctx context.Context, conversationID int64) (map[int64][]Image, error) {
	return conversationImages(ctx, s.read, conversationID, true)
}

// ImageData returns one image with its bytes, or [ErrNotFound].
func (s *Store) ImageData(ctx context.Context, id int64) (Image, error) {
	var img Image
	err := s.read.QueryRowContext(ctx, `SELECT id, message_id, name, mime, width, height, size, data FROM images WHERE id = ?`, id).
		Scan(&img.ID, &img.MessageID, &img.Name, &img.MIME, &img.Width, &img.Height, &img.Size, &img.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return Image{}, fmt.Errorf("store: image %d: %w", id, ErrNotFound)
	}
	return img, err
}

// copyImages copies the images of message from to message to within tx.
func copyImages(ctx context.Context, tx *sql.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO images (message_id, name, mime, width, height, size, data)
		SELECT ?, name, mime, width, height, size, data FROM images WHERE message_id = ? ORDER BY id`, to, from)
	return err
}
