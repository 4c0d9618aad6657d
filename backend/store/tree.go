package store

import "slices"

// versionTree arranges the messages of one conversation by parent. Its
// nodes are indexes into the list it was made from; that list's order is
// the order of creation, which is the order of each message's versions.
type versionTree struct {
	children map[int][]int // by parent index; -1 holds the roots
	parent   []int         // each node's parent index, -1 for a root
	shownAt  func(i int) int64
}

// newVersionTree arranges n messages: key(i) is message i's identity and
// parent(i) its parent's (ok false for a root). A message whose parent is
// not among them is taken for a root, so a damaged file still shows all it
// has.
func newVersionTree[K comparable](n int, key func(int) K, parent func(int) (K, bool), shownAt func(int) int64) versionTree {
	index := make(map[K]int, n)
	for i := range n {
		index[key(i)] = i
	}
	t := versionTree{children: make(map[int][]int, n), parent: make([]int, n), shownAt: shownAt}
	for i := range n {
		p := -1
		if k, ok := parent(i); ok {
			if j, found := index[k]; found && j != i {
				p = j
			}
		}
		t.parent[i] = p
		t.children[p] = append(t.children[p], i)
	}
	return t
}

// shownChild is the version of the children of parent that was shown last
// (ties go to the newer), or -1 when there are none.
func (t versionTree) shownChild(parent int) int {
	best := -1
	for _, c := range t.children[parent] {
		if best < 0 || t.shownAt(c) >= t.shownAt(best) {
			best = c
		}
	}
	return best
}

// pathFrom is the shown path that starts at node i: i, then at every level
// below it the version shown last. A cycle (only a damaged file can hold
// one) ends the path.
func (t versionTree) pathFrom(i int) []int {
	var path []int
	seen := map[int]bool{}
	for i >= 0 && !seen[i] {
		seen[i] = true
		path = append(path, i)
		i = t.shownChild(i)
	}
	return path
}

// shownPath is the path the conversation shows, from its first message.
func (t versionTree) shownPath() []int {
	return t.pathFrom(t.shownChild(-1))
}

// versionsOf are the versions of node i, itself among them, in creation
// order.
func (t versionTree) versionsOf(i int) []int {
	return t.children[t.parent[i]]
}

// MessageTree is a conversation's messages, as a [Bundle] holds them,
// arranged as versions by [Message.UID] and [Message.ParentUID]. Exports use
// it to write the path the conversation shows and, on request, every other
// version.
type MessageTree struct {
	msgs  []Message
	tree  versionTree
	byUID map[string]int
}

// NewMessageTree arranges msgs, which are in creation order.
func NewMessageTree(msgs []Message) *MessageTree {
	t := &MessageTree{msgs: msgs, byUID: make(map[string]int, len(msgs))}
	for i, m := range msgs {
		t.byUID[m.UID] = i
	}
	t.tree = newVersionTree(len(msgs),
		func(i int) string { return msgs[i].UID },
		func(i int) (string, bool) { return msgs[i].ParentUID, msgs[i].ParentUID != "" },
		func(i int) int64 { return msgs[i].ShownAt })
	return t
}

// Shown is the path the conversation shows, first message first.
func (t *MessageTree) Shown() []Message { return t.messages(t.tree.shownPath()) }

// Alternatives are the versions of m that are not m itself, each with the path shown beneath it, in creation order.
func (t *MessageTree) Alternatives(m Message) [][]Message {
	i := t.indexOf(m.UID)
	if i < 0 {
		return nil
	}
	var out [][]Message
	for _, v := range t.tree.versionsOf(i) {
		if v != i {
			out = append(out, t.messages(t.tree.pathFrom(v)))
		}
	}
	return out
}

// VersionCount is how many versions the message has, itself included, and
// its place among them from 1.
func (t *MessageTree) VersionCount(m Message) (place, count int) {
	i := t.indexOf(m.UID)
	if i < 0 {
		return 1, 1
	}
	versions := t.tree.versionsOf(i)
	return slices.Index(versions, i) + 1, len(versions)
}

func (t *MessageTree) indexOf(uid string) int {
	if i, ok := t.byUID[uid]; ok {
		return i
	}
	return -1
}

func (t *MessageTree) messages(idx []int) []Message {
	out := make([]Message, len(idx))
	for k, i := range idx {
		out[k] = t.msgs[i]
	}
	return out
}
