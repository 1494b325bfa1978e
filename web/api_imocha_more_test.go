package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"testgate/store"
)

// iMocha's calls beyond the seeds: bulk invite, reports by test and all
// reports, and a test's settings.

func TestIMochaBulkInvite(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	path := "/v3/tests/" + idStr(f.test.ID) + "/invitations/bulk"
	code, out := f.call(t, http.MethodPost, path, `{"sendEmail":"yes","callbackUrl":"https://ats.example.com/hook","candidates":[
		{"email":"ana@example.com","name":"Ana"},
		{"email":"not-an-address","name":"Bad"},
		{"email":"bo@example.com","name":"Bo","sendEmail":"no"},
		{"name":"Nameless"}]}`, nil)
	result, _ := out["result"].(map[string]any)
	invited, _ := result["invitations"].([]any)
	failed, _ := result["failed"].([]any)
	if code != http.StatusOK || out["errors"] != nil || len(invited) != 2 || len(failed) != 2 {
		t.Fatalf("bulk: %d %v", code, out)
	}
	if bad := failed[0].(map[string]any); bad["email"] != "not-an-address" || !strings.Contains(flatten(bad["errors"]), "Email address is in invalid format") {
		t.Fatalf("failed candidate: %v", bad)
	}
	ana, bo := invited[0].(map[string]any), invited[1].(map[string]any)
	if ana["email"] != "ana@example.com" || ana["status"] != "Pending" || !strings.Contains(ana["testUrl"].(string), "/t/") {
		t.Fatalf("invited: %v", ana)
	}
	// The shared fields apply to each; a candidate's own field wins.
	anaInv, _ := f.db.Invitation(ctx, int64(ana["testInvitationId"].(float64)))
	boInv, _ := f.db.Invitation(ctx, int64(bo["testInvitationId"].(float64)))
	if anaInv.CallbackURL != "https://ats.example.com/hook" || !anaInv.SendEmail || boInv.SendEmail || boInv.LinkID != f.def.ID {
		t.Fatalf("settings: ana %+v, bo %+v", anaInv, boInv)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: anaInv.ID}); len(msgs) != 1 {
		t.Fatalf("ana's email: %d", len(msgs))
	}
	// Through a named link, and again: the same invitations come back.
	code, again := f.call(t, http.MethodPost, path, `{"testLinkId":`+idStr(f.campus.ID)+`,"candidates":[{"email":"ana@example.com","name":"Ana"}]}`, nil)
	if code != http.StatusOK || again["result"].(map[string]any)["invitations"].([]any)[0].(map[string]any)["testInvitationId"] == ana["testInvitationId"] {
		t.Fatalf("another link invites independently: %d %v", code, again)
	}
	for body, want := range map[string]int{
		`{"candidates":[]}`:  http.StatusBadRequest,
		`{"candidates":"x"}`: http.StatusBadRequest,
		`[]`:                 http.StatusBadRequest,
		`{"testLinkId":"x","candidates":[{"email":"a@example.com","name":"A"}]}`:                              http.StatusBadRequest,
		`{"testLinkId":` + idStr(f.otherTestLnk.ID) + `,"candidates":[{"email":"a@example.com","name":"A"}]}`: http.StatusNotFound,
	} {
		if code, out := f.call(t, http.MethodPost, path, body, nil); code != want {
			t.Errorf("%s: %d %v", body, code, out)
		}
	}
	if code, _ := f.call(t, http.MethodPost, "/v3/tests/987654/invitations/bulk", `{"candidates":[{"email":"a@example.com","name":"A"}]}`, nil); code != http.StatusNotFound {
		t.Errorf("unknown test: %d", code)
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{Email: "a@example.com"}); total != 0 {
		t.Fatalf("a refused bulk invite wrote %d invitations", total)
	}
}

func TestIMochaReportListsAndSettings(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	q, _ := f.db.AddQuestion(ctx, f.test.ID, choiceInput("Compiled"))
	complete := func(testID, linkID int64, email string) int64 {
		res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: testID, LinkID: linkID, Name: "N", Email: email, Source: store.SourceIMocha})
		markStarted(t, f.db, res.Invitation.ID)
		if testID == f.test.ID {
			f.db.SaveAnswers(ctx, res.Invitation.ID, []store.AnswerInput{{QuestionID: q.ID, Choices: []int{0}}}, nil)
		}
		f.db.CompleteInvitation(ctx, res.Invitation.ID, store.ReasonSubmitted)
		return res.Invitation.ID
	}
	a, b := complete(f.test.ID, f.campus.ID, "a@example.com"), complete(f.test.ID, f.def.ID, "b@example.com")
	other := complete(f.otherTestLnk.TestID, f.otherTestLnk.ID, "c@example.com")
	f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.def.ID, Name: "P", Email: "pending@example.com", Source: store.SourceIMocha})

	ids := func(out map[string]any) []string {
		var got []string
		for _, r := range out["reports"].([]any) {
			got = append(got, idStr(int64(r.(map[string]any)["testInvitationId"].(float64))))
		}
		return got
	}
	code, out := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/reports", "", nil)
	if code != http.StatusOK || out["count"] != 2.0 || strings.Join(ids(out), ",") != idStr(b)+","+idStr(a) {
		t.Fatalf("test reports (completed only, newest first): %d %v", code, out)
	}
	if r := out["reports"].([]any)[0].(map[string]any); r["candidatePoints"] != 1.0 || r["status"] != "Complete" || r["pdfReportUrl"] == nil {
		t.Fatalf("a listed report is the report: %v", r)
	}
	if _, page := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/reports?pageNo=2&pageSize=1", "", nil); strings.Join(ids(page), ",") != idStr(a) || page["count"] != 2.0 {
		t.Fatalf("page 2 of 1: %v", page)
	}
	if _, all := f.call(t, http.MethodGet, "/v3/reports", "", nil); all["count"] != 3.0 || ids(all)[0] != idStr(other) {
		t.Fatalf("all reports: %v", all)
	}
	if code, _ := f.call(t, http.MethodGet, "/v3/reports?pageSize=0", "", nil); code != http.StatusBadRequest {
		t.Fatalf("page size 0: %d", code)
	}

	// Settings.
	f.db.UpdateTest(ctx, f.test.ID, store.TestInput{Name: "Java", Kind: store.KindAssessment, DurationMinutes: 45, PassingScore: 60,
		Bands: []store.Band{{Name: "Expert", MinPercent: 80}, {Name: "Beginner", MinPercent: 0}}, Labels: []string{"backend"}})
	code, s := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/settings", "", nil)
	if code != http.StatusOK || s["duration"] != 45.0 || s["passingScore"] != 60.0 || len(s["performanceCategories"].([]any)) != 2 ||
		s["defaultTestLinkId"] != float64(f.def.ID) || s["sectionWiseTime"] != false || s["labels"].([]any)[0] != "backend" {
		t.Fatalf("settings: %d %v", code, s)
	}
}
