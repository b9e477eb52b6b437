package media_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jihat/jihat/media"
)

// upload returns size bytes that sniff as a PDF (no whole-file check), so
// the benchmarks measure streaming, hashing and the disk.
func upload(b *testing.B, size int) []byte {
	b.Helper()
	data := make([]byte, size)
	head := sample(b, "doc.pdf")
	copy(data, head)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := len(head); i < size; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < size; j++ {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	return data
}

// BenchmarkPut streams one upload into the store (temporary file, SHA-256,
// fsync, inspection) and discards it. MB/s is the throughput; B/op shows
// that memory does not grow with the size of the file.
//
//	go test -run '^$' -bench BenchmarkPut -benchmem ./media/
func BenchmarkPut(b *testing.B) {
	for _, size := range []int{2 << 20, 20 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			data := upload(b, size)
			s := mustOpenLocal(b, media.Config{})
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				p, err := s.Put(ctx, bytes.NewReader(data), media.AttachmentLimits())
				if err != nil {
					b.Fatal(err)
				}
				p.Discard()
			}
		})
	}
}

// BenchmarkPutConcurrent runs 20 uploads of 20 MB at once, as the issue's
// peak-memory benchmark does against the server.
func BenchmarkPutConcurrent(b *testing.B) {
	const uploads, size = 20, 20 << 20
	data := upload(b, size)
	s := mustOpenLocal(b, media.Config{})
	ctx := context.Background()
	b.SetBytes(uploads * size)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		for range uploads {
			wg.Go(func() {
				p, err := s.Put(ctx, bytes.NewReader(data), media.AttachmentLimits())
				if err != nil {
					b.Error(err)
					return
				}
				p.Discard()
			})
		}
		wg.Wait()
	}
}
