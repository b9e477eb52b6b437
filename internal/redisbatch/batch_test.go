package redisbatch_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
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
	checkLists(t, c, prefix+"list:", callers, each, "a caller's commands")
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

// TestBatcherQueue: callers queue RPUSHes without waiting, some mixed with
// commands they wait for. Every queued command runs once and in its
// caller's order (an ordered list per caller), each callback is called once
// with its command's outcome (a refused command's error included), and a
// Do that follows a caller's queued commands finds them done (the counter
// it reads has counted them).
func TestBatcherQueue(t *testing.T) {
	c, prefix := client(t)
	b := redisbatch.New(c, 5*time.Second)
	ctx := context.Background()
	const callers, each = 32, 300
	var (
		answered, refused atomic.Int64
		wg                sync.WaitGroup
	)
	for i := range callers {
		wg.Go(func() {
			list := prefix + "q:" + strconv.Itoa(i)
			for j := range each {
				b.Queue(redis.NewIntCmd(ctx, "rpush", list, j), func(err error) {
					if err != nil {
						t.Errorf("RPUSH: %v", err)
					}
					answered.Add(1)
				})
				if j%50 == 49 {
					b.Queue(redis.NewIntCmd(ctx, "incr", list), func(err error) {
						if err == nil {
							t.Error("INCR of a list succeeded")
						}
						refused.Add(1)
					})
					n := redis.NewIntCmd(ctx, "llen", list)
					if err := b.Do(n); err != nil {
						t.Error(err)
						return
					}
					if n.Val() != int64(j+1) {
						t.Errorf("caller %d: LLEN %d after %d queued RPUSHes: Do overtook them", i, n.Val(), j+1)
					}
				}
			}
		})
	}
	wg.Wait()
	// The last queued commands may still be on the wire: a Do after them
	// returns once they are answered (order), but their callbacks run
	// just before; wait for the counts.
	if err := b.Do(redis.NewStatusCmd(ctx, "ping")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for answered.Load() < callers*each && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if a, r := answered.Load(), refused.Load(); a != callers*each || r != callers*each/50 {
		t.Fatalf("%d RPUSH callbacks, %d refused INCR callbacks; want %d and %d", a, r, callers*each, callers*each/50)
	}
	checkLists(t, c, prefix+"q:", callers, each, "queued commands")
	batches, commands := b.Stats()
	t.Logf("%d commands in %d round trips", commands, batches)
}

// checkLists fails unless each of the lists key0 … key<callers-1> holds
// 0 … each-1 in order (what, e.g. "queued commands", names who pushed them).
func checkLists(t *testing.T, c *redis.Client, key string, callers, each int, what string) {
	t.Helper()
	for i := range callers {
		got, err := c.LRange(context.Background(), key+strconv.Itoa(i), 0, -1).Result()
		if err != nil || len(got) != each {
			t.Fatalf("list %d: %d items, %v", i, len(got), err)
		}
		for j, v := range got {
			if v != strconv.Itoa(j) {
				t.Fatalf("list %d item %d is %s: %s ran out of order", i, j, v, what)
			}
		}
	}
}
