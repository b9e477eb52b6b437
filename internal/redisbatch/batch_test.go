package redisbatch_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/redisbatch"
	"github.com/jihat/jihat/internal/testenv"
)

func client(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c, prefix
}

// TestBatcher: 64 callers send 100 commands each, every one waiting for
// its answer before the next. Every command gets its own answer (INCR: each
// value once), each caller's commands run in its order (its RPUSHes make an
// ordered list), a failing command fails alone, and the commands went in
// fewer round trips than commands.
func TestBatcher(t *testing.T) {
	c, prefix := client(t)
	b := redisbatch.New(c, 5*time.Second)
	ctx := context.Background()
	const callers, each = 64, 100
	var (
		mu   sync.Mutex
		seen = map[int64]bool{}
		wg   sync.WaitGroup
	)
	for i := range callers {
		wg.Go(func() {
			list := prefix + "list:" + strconv.Itoa(i)
			for j := range each {
				incr := redis.NewIntCmd(ctx, "incr", prefix+"n")
				if err := b.Do(incr); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[incr.Val()] {
					t.Errorf("INCR answered %d twice", incr.Val())
				}
				seen[incr.Val()] = true
				mu.Unlock()
				if err := b.Do(redis.NewIntCmd(ctx, "rpush", list, j)); err != nil {
					t.Error(err)
					return
				}
				if j%10 == 0 { // a command Redis refuses: its caller's error only
					bad := redis.NewIntCmd(ctx, "incr", list)
					if err := b.Do(bad); err == nil {
						t.Error("INCR of a list succeeded")
					}
				}
			}
		})
	}
	wg.Wait()
	if n, err := c.Get(ctx, prefix+"n").Int64(); err != nil || n != callers*each || len(seen) != callers*each {
		t.Fatalf("counter %d (%v), %d distinct answers; want %d", n, err, len(seen), callers*each)
	}
	for i := range callers {
		got, err := c.LRange(ctx, prefix+"list:"+strconv.Itoa(i), 0, -1).Result()
		if err != nil || len(got) != each {
			t.Fatalf("list %d: %d items, %v", i, len(got), err)
		}
		for j, v := range got {
			if v != strconv.Itoa(j) {
				t.Fatalf("list %d item %d is %s: a caller's commands ran out of order", i, j, v)
			}
		}
	}
	batches, commands := b.Stats()
	if want := int64(callers * each * 21 / 10); commands != want {
		t.Errorf("%d commands counted; want %d", commands, want)
	}
	if batches >= commands {
		t.Errorf("%d batches for %d commands: nothing was sent together", batches, commands)
	}
	t.Logf("%d commands in %d round trips", commands, batches)
}

// TestBatcherDown: with Redis unreachable every caller gets an error, and
// the batcher serves again once a client can reach it.
func TestBatcherDown(t *testing.T) {
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer dead.Close()
	b := redisbatch.New(dead, time.Second)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if err := b.Do(redis.NewStatusCmd(context.Background(), "set", fmt.Sprint("k", i), 1)); err == nil {
				t.Error("a command succeeded without Redis")
			}
		})
	}
	wg.Wait()
	c, prefix := client(t)
	b = redisbatch.New(c, 5*time.Second)
	if err := b.Do(redis.NewStatusCmd(context.Background(), "set", prefix+"k", 1)); err != nil {
		t.Fatal(err)
	}
}
