package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"testgate/store"
)

// benchmarkImport runs a staged import of n rows to its end, per op; the
// console's upload and check are left out (loadbench measures them).
func benchmarkImport(b *testing.B, n int, sendEmail bool) {
	_, db := newTestServer(b)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Bench", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		b.StopTimer()
		link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: fmt.Sprintf("Bench %d", round)})
		rows := make([]store.ImportRow, n)
		for i := range rows {
			rows[i] = store.ImportRow{Line: i + 2, Name: fmt.Sprintf("Student %d", i), Email: fmt.Sprintf("r%d-%d@campus.example", round, i),
				Data: []byte(fmt.Sprintf(`{"Student ID":"S%06d"}`, i))}
		}
		round++
		b.StartTimer()
		im, err := db.CreateImport(ctx, store.NewImport{LinkID: link.ID, Actor: "bench", SendEmail: sendEmail, TotalRows: n, Rows: rows})
		if err != nil {
			b.Fatal(err)
		}
		if im, err = db.ClaimImport(ctx, time.Minute); err != nil {
			b.Fatal(err)
		}
		for !im.Finished() {
			if im, err = db.ImportNextChunk(ctx, im.ID, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
		if im.Invited != n {
			b.Fatalf("invited %d", im.Invited)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkImport10kWithEmails(b *testing.B) { benchmarkImport(b, 10_000, true) }
func BenchmarkImport10kNoEmails(b *testing.B)   { benchmarkImport(b, 10_000, false) }
