package admission

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/policy"
)

// spool is a directory of JSON-lines files of decisions waiting for the
// database. New decisions are appended to pending.jsonl; a replay first
// renames it to replay-<time>.jsonl (so appends continue into a fresh
// file) and then works through the replay files oldest first. A replay
// that succeeds part-way rewrites the file with what is left, so no
// decision is written twice.
type spool struct {
	dir string
	mu  sync.Mutex // guards pending.jsonl
}

const pendingFile = "pending.jsonl"

func openSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("admission spool %s: %w", dir, err)
	}
	return &spool{dir: dir}, nil
}

func (s *spool) append(batch []policy.TimedUpload) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, u := range batch {
		if err := enc.Encode(u); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(s.dir, pendingFile), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	// An append cut short (a crash, a full disk) leaves a line without its
	// newline; gluing the next decision onto it would make that one
	// unreadable too. Start on a fresh line instead.
	data := buf.Bytes()
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// replay hands the spooled decisions to write in batches of up to size()
// (asked before each batch, so it can change as the database slows down
// or recovers), oldest first, deleting what was written. write says how
// many decisions from the front of the batch it is done with (all of
// them unless it fails part-way); replay stops at write's first error,
// keeping the rest. bad is told how many unreadable lines (a crash
// mid-append) were skipped.
func (s *spool) replay(write func([]policy.TimedUpload) (int, error), size func() int, bad func(int)) (written int, err error) {
	s.mu.Lock()
	pending := filepath.Join(s.dir, pendingFile)
	if st, statErr := os.Stat(pending); statErr == nil && st.Size() > 0 {
		err = os.Rename(pending, filepath.Join(s.dir, fmt.Sprintf("replay-%020d.jsonl", time.Now().UnixNano())))
	}
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	files, err := filepath.Glob(filepath.Join(s.dir, "replay-*.jsonl"))
	if err != nil {
		return 0, err
	}
	sort.Strings(files)
	for _, file := range files {
		n, err := replayFile(file, write, size, bad)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func replayFile(file string, write func([]policy.TimedUpload) (int, error), size func() int, bad func(int)) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var ups []policy.TimedUpload
	unreadable := 0
	// The whole file is in memory already: split it on newlines rather
	// than with a bufio.Scanner, whose line limit would end the read early
	// and let the rest of the file be deleted unread.
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var u policy.TimedUpload
		if err := json.Unmarshal(line, &u); err != nil {
			unreadable++
			continue
		}
		ups = append(ups, u)
	}
	if unreadable > 0 {
		bad(unreadable)
	}
	written := 0
	for len(ups) > 0 {
		n := min(len(ups), max(1, size()))
		done, err := write(ups[:n])
		if err == nil {
			done = n
		}
		done = max(0, min(done, n))
		written += done
		ups = ups[done:]
		if err != nil {
			// Keep only what is left, so a later replay does not write
			// the first part again.
			if werr := rewrite(file, ups); werr != nil {
				return written, werr
			}
			return written, err
		}
	}
	return written, os.Remove(file)
}

func rewrite(file string, ups []policy.TimedUpload) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, u := range ups {
		if err := enc.Encode(u); err != nil {
			return err
		}
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
