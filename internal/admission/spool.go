package admission

import (
	"bufio"
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
	f, err := os.OpenFile(filepath.Join(s.dir, pendingFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// replay hands the spooled decisions to write in batches of up to size,
// oldest first, deleting what was written. bad is told how many
// unreadable lines (a crash mid-append) were skipped.
func (s *spool) replay(write func([]policy.TimedUpload) error, size int, bad func(int)) (written int, err error) {
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

func replayFile(file string, write func([]policy.TimedUpload) error, size int, bad func(int)) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var ups []policy.TimedUpload
	unreadable := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxReviewBytes*2)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
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
		n := min(len(ups), size)
		if err := write(ups[:n]); err != nil {
			// Keep only what is left, so a later replay does not write
			// the first part again.
			if werr := rewrite(file, ups); werr != nil {
				return written, werr
			}
			return written, err
		}
		written += n
		ups = ups[n:]
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
