package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"testgate/store"
)

func main() {
	ctx := context.Background()
	path := os.Args[1]
	db, err := store.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	db.Migrate(ctx)
	if len(os.Args) > 2 && os.Args[2] == "gen" {
		t, _ := db.CreateTest(ctx, store.TestInput{Name: "Bench", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
		for l := 0; l < 3; l++ {
			link, _ := db.CreateLink(ctx, t.ID, store.LinkInput{Name: fmt.Sprintf("L%d", l)})
			rows := make([]store.ImportRow, 100000)
			for i := range rows {
				rows[i] = store.ImportRow{Line: i + 2, Name: fmt.Sprintf("Student %d", i), Email: fmt.Sprintf("s%d-%d@campus.example", l, i)}
			}
			im, err := db.CreateImport(ctx, store.NewImport{LinkID: link.ID, Actor: "x", TotalRows: len(rows), Rows: rows})
			if err != nil {
				panic(err)
			}
			im, _ = db.ClaimImport(ctx, time.Hour)
			for !im.Finished() {
				im, err = db.ImportNextChunk(ctx, im.ID, time.Hour)
				if err != nil {
					panic(err)
				}
			}
		}
		return
	}
	fs := []store.InvitationFilter{
		{LinkID: 2}, {LinkID: 2, Status: "opened"}, {LinkID: 2, Status: "invited", Page: 40}, {TestID: 1, Query: "student4242"},
		{Query: "campus.example", Status: "opened"}, {LinkID: 2, Sort: "name"}, {LinkID: 2, Sort: "email", Desc: true, Page: 7},
		{Status: "completed"}, {},
	}
	for _, f := range fs {
		start := time.Now()
		_, total, err := db.Invitations(ctx, f)
		fmt.Printf("%-70s %8d %v %v\n", fmt.Sprintf("%+v", f), total, time.Since(start).Round(100*time.Microsecond), err)
	}
}
