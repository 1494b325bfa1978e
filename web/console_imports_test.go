package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/store/jobs"
)

// postFile submits the import form as a browser does: multipart, with the
// page's CSRF token, an optional file and the pasted text.
func (b *browser) postFile(path string, fields map[string]string, fileName, content string) response {
	b.t.Helper()
	return b.postUpload(path, fields, "file", fileName, []byte(content))
}

// postUpload posts a multipart form with one file in the named field.
func (b *browser) postUpload(path string, fields map[string]string, field, fileName string, content []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", b.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, fileName)
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// importSetup is a signed-in recruiter and a link with one candidate
// already invited.
func importSetup(t *testing.T) (*Server, *store.DB, *browser, store.TestLink) {
	t.Helper()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Campus aptitude", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, err := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus 2027", SendEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Old", Email: "old@example.com", Source: store.SourceNative}); err != nil {
		t.Fatal(err)
	}
	b.get(linkPath(link.ID) + "/import")
	return srv, db, b, link
}

// runImports works every queued import to its end, as the worker does.
func runImports(t testing.TB, srv *Server) {
	t.Helper()
	job := store.NewImportJob(srv.db, srv.log)
	job.Retry = time.Millisecond // a failing chunk is tried again at once
	ws := runWorker(t, srv.db, store.WorkImports, job, jobs.Schedule{Poll: 10 * time.Millisecond})
	defer ws.Stop(context.Background())
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var open int
		srv.db.ReadOnly().QueryRow(`SELECT COUNT(*) FROM imports WHERE status IN ('queued', 'running')`).Scan(&open)
		if open == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("imports did not finish within a minute")
}

func countRows(t testing.TB, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.ReadOnly().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportCheckClassifiesEveryRowAndWritesNothing(t *testing.T) {
	t.Parallel()
	_, db, b, link := importSetup(t)
	file := "name,email,team\n" +
		"Ann,ann@example.com,QA\n" + // valid
		"Bad,not-an-address,QA\n" + // invalid
		"Ann again,ANN@example.com,QA\n" + // duplicate of line 2
		"Old,old@example.com,\n" + // already invited on the link
		",noname@example.com,\n" // valid, named after the address
	r := b.postFile(linkPath(link.ID)+"/import/check", map[string]string{"sendEmail": "1"}, "cohort.csv", file)
	if r.Code != http.StatusOK {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	for sel, want := range map[string]string{"[data-testid=count-valid]": "2", "[data-testid=count-invalid]": "1",
		"[data-testid=count-duplicate]": "1", "[data-testid=count-invited]": "1", "[data-testid=import-start]": "Import 2 candidates"} {
		if got := r.text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	kinds := []string{}
	r.doc.Find("[data-testid=import-rows] tbody tr").Each(func(_ int, s *goquerySelection) {
		kinds = append(kinds, s.AttrOr("data-kind", "")+":"+strings.Join(strings.Fields(s.Find("td").Last().Text()), " "))
	})
	// Problems first, each kind in file order, and no label said twice.
	want := []string{"invalid:Invalid “not-an-address” is not a valid email address",
		"duplicate:Duplicate in the file same address as line 2", "invited:Already invited",
		"valid:Will be invited", "valid:Will be invited"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}
	if got := r.text(`label[for="f-problems-only"]`); got != "Show only the 3 rows with a problem" {
		t.Errorf("problems-only filter: %q", got)
	}
	if got := r.doc.Find(`[data-testid=import-rows] tbody tr[data-kind=invalid] td.cut`).Last().AttrOr("title", ""); got != "not-an-address" {
		t.Errorf("a cut cell's full text on hover: %q", got)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitations`); n != 1 {
		t.Errorf("the check wrote invitations: %d", n)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM imports`) + countRows(t, db, `SELECT COUNT(*) FROM outbox`); n != 1 {
		t.Errorf("the check wrote imports or emails: %d rows besides old@'s email", n-1)
	}

	// htmx gets the panel alone; a problem with the input is a 422.
	r = b.postFile(linkPath(link.ID)+"/import/check", map[string]string{"pasted": "a@example.com\nB <b@example.com>"}, "", "")
	if r.Code != http.StatusOK || r.text("[data-testid=count-valid]") != "2" {
		t.Fatalf("pasted: %d %s", r.Code, r.text("#import-check"))
	}
	// A plain form post (no file field at all) is read as pasted text.
	if r := b.post(linkPath(link.ID)+"/import/check", url.Values{"pasted": {"c@example.com"}}); r.Code != http.StatusOK || r.text("[data-testid=count-valid]") != "1" {
		t.Fatalf("urlencoded: %d %s", r.Code, r.text("#import-check"))
	}
	r = b.postFile(linkPath(link.ID)+"/import/check", nil, "x.csv", "name,phone\nA,1\n")
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text("[data-testid=import-problem]"), "email column") {
		t.Fatalf("no email column: %d %s", r.Code, r.text("#import-check"))
	}
	r = b.postFile(linkPath(link.ID)+"/import/check", nil, "", "")
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text("[data-testid=import-problem]"), "Paste the candidates") {
		t.Fatalf("empty: %d %s", r.Code, r.text("#import-check"))
	}
}

// A list of bulkRows students (10,000; 1,000 under -race) plus an address
// invited already and a broken one, end to end.
func TestImportTenThousandEndToEnd(t *testing.T) {
	t.Parallel()
	srv, db, b, link := importSetup(t)
	var file strings.Builder
	file.WriteString("Name,Email,Student ID\n")
	for i := range bulkRows {
		fmt.Fprintf(&file, "Student %d,student%d@campus.example,S%05d\n", i, i, i)
	}
	file.WriteString("Old Again,old@example.com,S-OLD\nBroken,broken@,S-X\n")
	r := b.postFile(linkPath(link.ID)+"/imports", map[string]string{"sendEmail": "1"}, "campus.csv", file.String())
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), "/imports/") {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	page := r.Header().Get("Location")
	if got := b.get(page).text("[data-testid=import-status]"); got != "Waiting to start" {
		t.Errorf("before the worker: %q", got)
	}
	runImports(t, srv)

	p := b.get(page)
	for sel, want := range map[string]string{"[data-testid=import-status]": "Finished", "[data-testid=import-percent]": "100%",
		"[data-testid=import-invited]": strconv.Itoa(bulkRows), "[data-testid=import-skipped]": "1", "[data-testid=import-rejected]": "1"} {
		if got := p.text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if p.doc.Find("#import-progress[data-hx-trigger]").Length() != 0 {
		t.Error("a finished import still polls")
	}
	if n := countRows(t, db, `SELECT COUNT(DISTINCT email_norm) FROM invitations WHERE link_id = ? AND source = 'import'`, link.ID); n != bulkRows {
		t.Errorf("%d imported invitations", n)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM outbox o JOIN invitations i ON i.id = o.invitation_id
		WHERE i.source = 'import' AND o.kind = 'invitation' AND o.status = 'queued' AND o.body_text LIKE '%' || i.token || '%'`); n != bulkRows {
		t.Errorf("%d invitation emails queued with the candidate's URL", n)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitation_events e JOIN invitations i ON i.id = e.invitation_id
		WHERE i.source = 'import' AND e.kind = 'invited' AND e.to_status = 'invited'`); n != bulkRows {
		t.Errorf("%d timeline events", n)
	}
	inv, err := db.InvitationOnLink(context.Background(), link.ID, "student42@campus.example")
	if err != nil || inv.Name != "Student 42" || string(inv.ExternalData) != `{"Student ID":"S00042"}` {
		t.Errorf("student 42: %+v %s %v", inv.Name, inv.ExternalData, err)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM import_chunks`); n != 0 {
		t.Errorf("%d chunks left", n)
	}

	csvResp := b.get(page + "/rejected.csv")
	rows, err := csv.NewReader(strings.NewReader(csvResp.Body.String())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("rejected rows: %v %q", err, rows)
	}
	// The file's own columns, so it can be fixed and uploaded again, and
	// the problem in a column of its own.
	if strings.Join(rows[0], "|") != "Name|Email|Student ID|import problem" ||
		strings.Join(rows[1], "|") != fmt.Sprintf("Old Again|old@example.com|S-OLD|line %d: already invited on this link", bulkRows+2) ||
		!strings.HasPrefix(strings.Join(rows[2], "|"), fmt.Sprintf("Broken|broken@|S-X|line %d: invalid: ", bulkRows+3)) {
		t.Errorf("rejected rows: %q", rows)
	}
	if got := b.get(linkPath(link.ID) + "/import").text("table"); !strings.Contains(got, "campus.csv") || !strings.Contains(got, "Finished (100%)") {
		t.Errorf("recent imports: %q", got)
	}
}

func TestImportStopsWhenTheLinkCloses(t *testing.T) {
	t.Parallel()
	srv, db, b, link := importSetup(t)
	ctx := context.Background()
	if _, err := db.UpdateLink(ctx, link.ID, store.LinkInput{Name: link.Name, MaxUses: 3}); err != nil {
		t.Fatal(err)
	}
	r := b.postFile(linkPath(link.ID)+"/imports", map[string]string{"pasted": "a@example.com\nb@example.com\nc@example.com\nd@example.com"}, "", "")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	runImports(t, srv)
	p := b.get(r.Header().Get("Location"))
	if p.text("[data-testid=import-invited]") != "2" || p.text("[data-testid=import-rejected]") != "2" {
		t.Errorf("max uses 3 with one used: invited %s, rejected %s", p.text("[data-testid=import-invited]"), p.text("[data-testid=import-rejected]"))
	}

	// Disabled between the check and the worker: the job stops, every row
	// left is in the download with the reason.
	if _, err := db.UpdateLink(ctx, link.ID, store.LinkInput{Name: link.Name}); err != nil {
		t.Fatal(err)
	}
	b.get(linkPath(link.ID) + "/import")
	r = b.postFile(linkPath(link.ID)+"/imports", map[string]string{"pasted": "e@example.com\nf@example.com"}, "", "")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	if err := db.SetLinkDisabled(ctx, link.ID, true); err != nil {
		t.Fatal(err)
	}
	runImports(t, srv)
	p = b.get(r.Header().Get("Location"))
	if p.text("[data-testid=import-status]") != "Stopped" || !strings.Contains(p.text("[data-testid=import-error]"), "disabled") ||
		p.text("[data-testid=import-rejected]") != "2" {
		t.Errorf("closed link: %q %q %q", p.text("[data-testid=import-status]"), p.text("[data-testid=import-error]"), p.text("[data-testid=import-rejected]"))
	}
	if body := b.get(r.Header().Get("Location") + "/rejected.csv").Body.String(); strings.Count(body, "The test link is disabled.") != 2 {
		t.Errorf("download: %s", body)
	}
	// A disabled link takes no import at all.
	r = b.postFile(linkPath(link.ID)+"/import/check", map[string]string{"pasted": "g@example.com"}, "", "")
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text("[data-testid=import-problem]"), "disabled") {
		t.Errorf("disabled link check: %d %q", r.Code, r.text("#import-check"))
	}
}

// TestImportStopsAfterRepeatedFailures corrupts a staged chunk: the worker
// retries, then stops the job where the recruiter sees it instead of
// retrying out of sight forever.
func TestImportStopsAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	srv, db, b, link := importSetup(t)
	r := b.postFile(linkPath(link.ID)+"/imports", map[string]string{"pasted": "a@example.com\nb@example.com"}, "", "")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("%d", r.Code)
	}
	if _, err := behindTheBack(t, db).Exec(`UPDATE import_chunks SET rows = 'not JSON'`); err != nil {
		t.Fatal(err)
	}
	runImports(t, srv)
	p := b.get(r.Header().Get("Location"))
	if p.text("[data-testid=import-status]") != "Stopped" || !strings.Contains(p.text("[data-testid=import-error]"), "internal error") {
		t.Errorf("%q %q", p.text("[data-testid=import-status]"), p.text("[data-testid=import-error]"))
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM import_chunks`); n != 0 {
		t.Errorf("%d chunks left", n)
	}
}

// TestImportRowsLeftOutUploadAgain: a pasted list's rows left out download
// as name and email columns; fixed, that file imports as it stands.
func TestImportRowsLeftOutUploadAgain(t *testing.T) {
	t.Parallel()
	srv, _, b, link := importSetup(t)
	r := b.post(linkPath(link.ID)+"/imports", url.Values{"pasted": {"Ann <ann@example.com>\nBen, ben@\nCid cid@example.com"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	page := r.Header().Get("Location")
	runImports(t, srv)
	rows, err := csv.NewReader(strings.NewReader(b.get(page + "/rejected.csv").Body.String())).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], "|") != "name|email|import problem" ||
		strings.Join(rows[1][:2], "|") != "Ben|ben@" || strings.Join(rows[2][:2], "|") != "|Cid cid@example.com" {
		t.Fatalf("rows left out: %v %q", err, rows)
	}

	// Fixed in a spreadsheet and uploaded again, problem column and all.
	var fixed strings.Builder
	w := csv.NewWriter(&fixed)
	rows[1][1], rows[2][0], rows[2][1] = "ben@example.com", "Cid", "cid@example.com"
	w.WriteAll(rows)
	r = b.postFile(linkPath(link.ID)+"/import/check", nil, "fixed.csv", fixed.String())
	if r.Code != http.StatusOK || r.text("[data-testid=count-valid]") != "2" || r.text("[data-testid=count-invalid]") != "0" {
		t.Fatalf("fixed file: %d %s", r.Code, r.text("#import-check"))
	}
}

// The rows-left-out download repeats the uploaded file's header: its cells
// are defused as values are, so a header such as =cmd|… runs nothing.
func TestRowsLeftOutDefuseTheUploadedHeader(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	w := csv.NewWriter(&out)
	write := rejectionWriter(w, []string{"name", "email", "=cmd|' /C calc'!A0", "@SUM(1)"})
	write(store.ImportRejection{Line: 2, Name: "Zed", Email: "bad", Reason: "invalid email", Record: []string{"Zed", "bad", "-1+2", "x"}})
	w.Flush()
	want := "name,email,'=cmd|' /C calc'!A0,'@SUM(1)," + problemColumn + "\nZed,bad,'-1+2,x,line 2: invalid email\n"
	if out.String() != want {
		t.Fatalf("download:\n%s\nwant:\n%s", out.String(), want)
	}
}
