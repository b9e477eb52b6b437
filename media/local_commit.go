package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// localPending is an upload in <root>/tmp waiting for Commit.
type localPending struct {
	s     *Local
	tmp   string
	blob  Blob
	state pendingState
}

type pendingState byte

const (
	pending pendingState = iota
	committed
	discarded
)

func (p *localPending) Blob() Blob { return p.blob }

// Commit renames the temporary file (already synced by Put) to its content
// address and syncs the directory, so the name survives a crash. When the
// same content is already stored, the temporary file is dropped and the
// stored blob's modification time refreshed (see Store.Walk).
func (p *localPending) Commit(ctx context.Context) error {
	switch p.state {
	case committed:
		return nil
	case discarded:
		return errors.New("media: commit of a discarded upload")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sha := p.blob.SHA256
	dst := p.s.path(sha)
	now := p.s.cfg.Now()
	err := os.Chtimes(dst, now, now)
	if err == nil {
		p.state = committed
		p.s.remove(p.tmp)
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: %w", err)
	}
	dir, err := p.s.mkdirs(sha)
	if err != nil {
		return err
	}
	if err := os.Rename(p.tmp, dst); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	p.state = committed
	return syncDir(dir)
}

// Discard removes the temporary file unless the upload was committed.
func (p *localPending) Discard() error {
	if p.state != pending {
		return nil
	}
	p.state = discarded
	if err := os.Remove(p.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: %w", err)
	}
	return nil
}

// mkdirs creates <root>/ab/cd for sha, syncing each parent of a directory
// it creates so the new entries survive a crash, and returns <root>/ab/cd.
func (s *Local) mkdirs(sha string) (string, error) {
	outer := filepath.Join(s.root, sha[:2])
	inner := filepath.Join(outer, sha[2:4])
	for _, d := range [...]string{outer, inner} {
		err := os.Mkdir(d, dirPerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("media: %w", err)
		}
		if err := syncDir(filepath.Dir(d)); err != nil {
			return "", err
		}
	}
	return inner, nil
}

// syncDir flushes a directory's entries to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("media: sync %s: %w", dir, err)
	}
	return nil
}
