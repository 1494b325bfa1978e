package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"testgate/store"
)

// startedAttempts starts n attempts of the bench test and returns their
// tokens.
func startedAttempts(b *testing.B, db *store.DB, tt store.Test, n int) []string {
	ctx := context.Background()
	tokens := make([]string, 0, n)
	for i := range n {
		res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: store.SourceNative})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.StartInvitation(ctx, res.Invitation.ID); err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, res.Invitation.Token)
	}
	return tokens
}

// BenchmarkCandidateClock is the countdown's look at the server's clock,
// which every candidate taking a test makes every 15 seconds: 10,000
// candidates at once ask about 670 times a second.
func BenchmarkCandidateClock(b *testing.B) {
	srv, db, tt, _ := benchFixture(b)
	tokens := startedAttempts(b, db, tt, 2000)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var seq atomic.Int64
	loadAt64(b, func() (*http.Request, error) {
		return http.NewRequest(http.MethodGet, ts.URL+"/t/"+tokens[seq.Add(1)%int64(len(tokens))]+"/clock", nil)
	})
}

// BenchmarkPageSignal is a candidate's page reporting a focus loss: a
// write per report, like an autosave.
func BenchmarkPageSignal(b *testing.B) {
	srv, db, tt, _ := benchFixture(b)
	tokens := startedAttempts(b, db, tt, 2000)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var seq atomic.Int64
	loadAt64(b, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/t/"+tokens[seq.Add(1)%int64(len(tokens))]+"/signals",
			strings.NewReader(`{"kind":"focus_lost","detail":"tab hidden"}`))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	})
}
