package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jihat/jihat"
)

// Local is a Store in a directory of the local file system:
//
//	<root>/ab/cd/<sha256>   committed blobs (ab, cd: the first two bytes of the hash)
//	<root>/tmp/upload-*     uploads in progress, renamed into place by Commit
//
// Both live in one file system, so Commit is one atomic rename: a crash
// never leaves a partial file under a real name. Safe for concurrent use,
// also by several processes sharing the directory.
type Local struct {
	cfg  Config
	root string
	tmp  string
	bufs sync.Pool // *[]byte of copyBufSize
}

const (
	copyBufSize = 128 << 10
	tmpPrefix   = "upload-"
	dirPerm     = 0o750
)

var _ Store = (*Local)(nil)

// NewLocal opens (creating if needed) the store in cfg.Root.
func NewLocal(cfg Config) (*Local, error) {
	if cfg.Root == "" {
		return nil, errors.New("media: Config.Root is empty")
	}
	cfg = cfg.withDefaults()
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	s := &Local{cfg: cfg, root: root, tmp: filepath.Join(root, "tmp")}
	if err := os.MkdirAll(s.tmp, dirPerm); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	s.bufs.New = func() any { b := make([]byte, copyBufSize); return &b }
	return s, nil
}

// Root returns the absolute directory of the store.
func (s *Local) Root() string { return s.root }

func (s *Local) path(sha string) string {
	return filepath.Join(s.root, sha[:2], sha[2:4], sha)
}

// Put implements Store. It reads the first 4 KiB and refuses a type outside
// the allow-list before writing anything; then it streams the rest into a
// temporary file, hashing as it goes, and inspects the whole file.
func (s *Local) Put(ctx context.Context, r io.Reader, lim Limits) (Pending, error) {
	lim = lim.Resolve(s.cfg)
	if err := ctx.Err(); err != nil {
		return nil, incomplete(err)
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	more := err == nil // head is full: the rest follows
	switch {
	case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
		return nil, incomplete(err)
	case n == 0:
		return nil, jihat.Errorf(jihat.EINVALID, KeyEmpty)
	case int64(n) > lim.MaxSize:
		return nil, tooLarge(lim.MaxSize)
	}
	head = head[:n]
	ru, detected, err := sniff(head, lim)
	if err != nil {
		return nil, err
	}

	f, err := os.CreateTemp(s.tmp, tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			s.remove(f.Name())
		}
	}()
	h := sha256.New()
	size, err := s.copy(ctx, f, h, head, r, more, lim.MaxSize)
	if err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	blob, err := finish(f, size, ru, detected, lim)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	blob.SHA256 = hex.EncodeToString(h.Sum(nil))
	done = true
	return &localPending{s: s, tmp: f.Name(), blob: blob}, nil
}

// copy writes head and then the rest of r to f and h, and returns the
// size. more is false when r already ended inside head.
func (s *Local) copy(ctx context.Context, f *os.File, h hash.Hash, head []byte, r io.Reader, more bool, max int64) (int64, error) {
	h.Write(head)
	if _, err := f.Write(head); err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	size := int64(len(head))
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	buf := *bp
	for more {
		if err := ctx.Err(); err != nil {
			return 0, incomplete(err)
		}
		n, err := r.Read(buf)
		if n > 0 {
			if size += int64(n); size > max {
				return 0, tooLarge(max)
			}
			h.Write(buf[:n])
			if _, werr := f.Write(buf[:n]); werr != nil {
				return 0, fmt.Errorf("media: %w", werr)
			}
		}
		switch {
		case err == io.EOF:
			more = false
		case err != nil:
			return 0, incomplete(err)
		}
	}
	return size, nil
}

// remove deletes a file, logging a failure other than "already gone".
func (s *Local) remove(name string) {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.cfg.Logger.Error("media: remove", "path", name, "err", err)
	}
}

// Open implements Store.
func (s *Local) Open(ctx context.Context, sha string) (*File, error) {
	if !ValidSHA256(sha) {
		return nil, notFound()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("media: %w", err)
	}
	return &File{ReadSeekCloser: f, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete implements Store.
func (s *Local) Delete(ctx context.Context, sha string) error {
	if !ValidSHA256(sha) {
		return notFound()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := os.Remove(s.path(sha))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: %w", err)
	}
	return nil
}

// Sweep implements Store.
func (s *Local) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	cutoff := s.cfg.Now().Add(-max(olderThan, 0))
	removed := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue // gone meanwhile, or still being written
		}
		name := filepath.Join(s.tmp, e.Name())
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("media: %w", err)
		}
		removed++
		s.cfg.Logger.Info("media: removed stale upload", "path", name, "size", info.Size(), "modified", info.ModTime())
	}
	return removed, nil
}

// Walk implements Store.
func (s *Local) Walk(ctx context.Context, fn func(sha string, size int64, modTime time.Time) error) error {
	return filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if path == s.tmp {
				return fs.SkipDir
			}
			return nil
		}
		sha := d.Name()
		if !ValidSHA256(sha) || path != s.path(sha) {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		return fn(sha, info.Size(), info.ModTime())
	})
}
