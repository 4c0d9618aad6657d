package store

import (
	"context"
	"testing"
	"time"
)

// restartCheckpoints replaces s's checkpointer with one that waits every
// after writes, so a test sees it work without waiting seconds.
func restartCheckpoints(t *testing.T, s *Store, every time.Duration) {
	t.Helper()
	s.stopCheckpoints()
	<-s.checkpointsDone
	ctx, stop := context.WithCancel(context.Background())
	s.stopCheckpoints, s.checkpointsDone = stop, make(chan struct{})
	go s.checkpointLoop(ctx, every)
}

// The checkpointer runs after writes and not otherwise: reads and an idle
// store wake nothing, and a write's pages end up in the database file.
func TestCheckpointsFollowWritesOnly(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	restartCheckpoints(t, s, 5*time.Millisecond)
	// Open's own writes (migrations) may have left a poke; let it settle.
	waitUntil(t, func() bool { return len(s.committed) == 0 && s.checkpointerIdle.Load() })
	before := s.checkpointRuns.Load()
	c := mustConversation(t, s, "written")
	mustMessage(t, s, c.ID, RoleUser, "hello")
	// The checkpointer woke, copied the whole log, and waits again with no
	// poke left from the second write (idle is also true for a moment
	// between two pokes).
	waitUntil(t, func() bool {
		return s.checkpointRuns.Load() > before && len(s.committed) == 0 && s.checkpointerIdle.Load()
	})

	// Idle can read true for an instant after the loop took a poke and
	// before it said so; a quiet stretch of ten intervals rules that out.
	runs := s.checkpointRuns.Load()
	for {
		time.Sleep(10 * 5 * time.Millisecond)
		if now := s.checkpointRuns.Load(); now == runs && len(s.committed) == 0 && s.checkpointerIdle.Load() {
			break
		} else {
			runs = now
		}
	}
	for range 20 {
		if _, err := s.GetConversation(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ListConversations(ctx, ListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Forty checkpoint intervals with only reads: no checkpoint runs.
	time.Sleep(40 * 5 * time.Millisecond)
	if got := s.checkpointRuns.Load(); got != runs {
		t.Fatalf("%d checkpoints ran while only reads happened", got-runs)
	}
	if len(s.committed) != 0 {
		t.Fatal("a read poked the checkpointer")
	}

	mustMessage(t, s, c.ID, RoleAssistant, "a write after the quiet")
	waitUntil(t, func() bool { return s.checkpointRuns.Load() > runs && s.checkpointerIdle.Load() })
	// Idle means the last checkpoint copied everything: nothing is left to copy.
	logPages, copied, err := s.checkpointWAL(ctx)
	if err != nil || copied != logPages {
		t.Fatalf("after the checkpointer went idle: %d of %d log pages copied, err %v", copied, logPages, err)
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
