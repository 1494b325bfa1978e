package web

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Bulk invitations from the console: a check (dry run) that writes
// nothing, then an import run in the background (store.ImportJob) with its progress on
// its own page.

// maxCheckRowsShown bounds the check's table; problems are listed first.
const maxCheckRowsShown = 500

func importPath(id int64) string { return "/imports/" + strconv.FormatInt(id, 10) }

// importForm loads the link, its test and recent imports for the page.
func (s *Server) importForm(c echo.Context) (views.ImportForm, error) {
	link, t, err := s.linkAndTest(c)
	if err != nil {
		return views.ImportForm{}, err
	}
	recent, err := s.db.ImportsOnLink(c.Request().Context(), link.ID, 10)
	return views.ImportForm{Link: link, Test: t, SendEmail: link.SendEmail, Recent: recent}, err
}

func (s *Server) importPage(c echo.Context) error {
	f, err := s.importForm(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ImportPage(s.page(c, "Invite many · "+f.Link.Name, views.SectionTests), f))
}

// checkImport is the dry run: every row classified, nothing written.
func (s *Server) checkImport(c echo.Context) error {
	f, err := s.importForm(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if plan, err := s.readImport(c, &f); err != nil {
		return err
	} else if f.Problem != "" {
		status = http.StatusUnprocessableEntity
	} else {
		f.Check = &plan.check
	}
	page := s.page(c, "Invite many · "+f.Link.Name, views.SectionTests)
	if isHTMX(c) {
		return render(c, status, views.ImportCheckPanel(page, f))
	}
	return render(c, status, views.ImportPage(page, f))
}

// startImport checks the list again and queues what it finds importable.
func (s *Server) startImport(c echo.Context) error {
	f, err := s.importForm(c)
	if err != nil {
		return err
	}
	plan, err := s.readImport(c, &f)
	if err != nil {
		return err
	}
	if f.Problem == "" && plan.check.Valid == 0 {
		f.Problem, f.Check = "Nothing to import: there is nobody new to invite in this list.", &plan.check
	}
	if f.Problem != "" {
		return render(c, http.StatusUnprocessableEntity, views.ImportPage(s.page(c, "Invite many · "+f.Link.Name, views.SectionTests), f))
	}
	im, err := s.db.CreateImport(c.Request().Context(), store.NewImport{LinkID: f.Link.ID, Actor: s.userActor(c),
		FileName: plan.fileName, Header: plan.header, SendEmail: f.SendEmail, TotalRows: plan.check.Total, Rows: plan.rows, Rejected: plan.rejected})
	if err != nil {
		return err
	}
	s.log.Info("import queued", "import", im.ID, "link", f.Link.ID, "rows", im.Staged, "actor", im.Actor)
	return redirect(c, importPath(im.ID))
}

// importPlan is a classified list: the check to show, the rows to import
// and the rows left out.
type importPlan struct {
	fileName string
	header   []string // the list's columns, for the download of rows left out
	check    views.ImportCheck
	rows     []store.ImportRow
	rejected []store.ImportRejection
}

// readImport reads the pasted text or the uploaded file and classifies it;
// a problem with the input as a whole is put on the form.
func (s *Server) readImport(c echo.Context, f *views.ImportForm) (importPlan, error) {
	f.Pasted, f.SendEmail = c.FormValue("pasted"), checked(c, "sendEmail")
	switch {
	case f.Link.Disabled():
		f.Problem = "This link is disabled: enable it before inviting through it."
		return importPlan{}, nil
	case f.Test.Archived():
		f.Problem = "This test is archived: it takes no invitations."
		return importPlan{}, nil
	}
	var parsed []parsedRow
	var plan importPlan
	fh, err := c.FormFile("file")
	switch {
	case err == nil && fh.Size > 0:
		file, err := fh.Open()
		if err != nil {
			return plan, err
		}
		defer file.Close()
		plan.fileName = truncate(filepath.Base(fh.Filename), 200)
		parsed, plan.header, err = parseCandidates(file, true)
		if err != nil {
			f.Problem = err.Error()
			return plan, nil
		}
	case err != nil && !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		f.Problem = "The upload could not be read; choose the file again."
		return plan, nil
	case strings.TrimSpace(f.Pasted) == "":
		f.Problem = "Paste the candidates or choose a CSV file."
		return plan, nil
	default:
		plan.fileName = "pasted list"
		if parsed, plan.header, err = parseCandidates(strings.NewReader(f.Pasted), false); err != nil {
			f.Problem = err.Error()
			return plan, nil
		}
	}
	if len(parsed) == 0 {
		f.Problem = "The list has no candidates in it."
		return plan, nil
	}
	return plan, s.classifyImport(c.Request().Context(), f.Link.ID, parsed, &plan)
}

// classifyImport sorts every row into valid, invalid, duplicate inside the
// file, or already invited on the link.
func (s *Server) classifyImport(ctx context.Context, linkID int64, parsed []parsedRow, plan *importPlan) error {
	firstLine := make(map[string]int, len(parsed))
	norms := make([]string, 0, len(parsed))
	for _, r := range parsed {
		if r.Problem == "" {
			if norm := store.NormalizeEmail(r.Email); firstLine[norm] == 0 {
				firstLine[norm] = r.Line
				norms = append(norms, norm)
			}
		}
	}
	invited, err := s.db.InvitedEmailsOnLink(ctx, linkID, norms)
	if err != nil {
		return err
	}
	check := &plan.check
	check.Total = len(parsed)
	all := make([]views.ImportCheckRow, len(parsed))
	for i, r := range parsed {
		row := views.ImportCheckRow{Line: r.Line, Name: r.Name, Email: r.Email, Kind: views.ImportRowValid}
		norm := store.NormalizeEmail(r.Email)
		switch {
		case r.Problem != "":
			row.Kind, row.Reason = views.ImportRowInvalid, r.Problem
			check.Invalid++
		case firstLine[norm] != r.Line:
			row.Kind, row.Reason = views.ImportRowDuplicate, "same address as line "+strconv.Itoa(firstLine[norm])
			check.Duplicate++
		case invited[norm]:
			row.Kind = views.ImportRowInvited // its label says it all
			check.Invited++
		default:
			check.Valid++
			plan.rows = append(plan.rows, store.ImportRow{Line: r.Line, Name: r.Name, Email: r.Email, Data: r.Data, Record: r.Record})
		}
		if row.Kind != views.ImportRowValid {
			reason := row.Reason
			switch row.Kind {
			case views.ImportRowInvalid:
				reason = "invalid: " + reason
			case views.ImportRowInvited:
				reason = store.ReasonAlreadyInvited
			}
			plan.rejected = append(plan.rejected, store.ImportRejection{Line: r.Line, Name: r.Name, Email: r.Email, Reason: reason, Record: r.Record})
		}
		all[i] = row
	}
	check.Rows = rowsToShow(all)
	check.Hidden = len(all) - len(check.Rows)
	check.HiddenProblems = max(0, check.Problems()-maxCheckRowsShown)
	return nil
}

// rowsToShow lists the problems first, then the valid rows, each in file
// order, up to the table's size: a problem on line 90 000 is on screen
// whatever the file's length.
func rowsToShow(all []views.ImportCheckRow) []views.ImportCheckRow {
	shown := make([]views.ImportCheckRow, 0, min(len(all), maxCheckRowsShown))
	for _, problems := range []bool{true, false} {
		for _, r := range all {
			if (r.Kind != views.ImportRowValid) == problems && len(shown) < maxCheckRowsShown {
				shown = append(shown, r)
			}
		}
	}
	return shown
}

// importView loads an import job with its link and test.
func (s *Server) importView(c echo.Context) (views.ImportView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return views.ImportView{}, err
	}
	ctx := c.Request().Context()
	im, err := s.db.Import(ctx, id)
	if err != nil {
		return views.ImportView{}, err
	}
	link, err := s.db.Link(ctx, im.LinkID)
	if err != nil {
		return views.ImportView{}, err
	}
	t, err := s.db.Test(ctx, link.TestID)
	return views.ImportView{Import: im, Link: link, Test: t}, err
}

func (s *Server) showImport(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ImportJobPage(s.page(c, "Import into "+v.Link.Name, views.SectionTests), v))
}

// importProgress is the progress card alone, for htmx's polling.
func (s *Server) importProgress(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ImportProgress(s.page(c, "", views.SectionTests), v))
}

// importRejected downloads the rows an import did not invite, with why.
func (s *Server) importRejected(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	w := csvDownload(c, "import-"+strconv.FormatInt(v.Import.ID, 10)+"-not-invited.csv")
	write := rejectionWriter(w, v.Import.Header)
	err = s.db.EachImportRejection(c.Request().Context(), v.Import.ID, write)
	w.Flush()
	if err != nil {
		s.log.Error("rejected rows download interrupted", "import", v.Import.ID, "err", err)
		return nil
	}
	return w.Error()
}

// rejectionWriter writes the header of the rows-left-out download and
// returns the writer of one row. With the file's header known, a row keeps
// the file's columns and adds the problem, so the file can be fixed and
// uploaded again; imports from before headers were kept list line, name,
// email and reason.
func rejectionWriter(w *csv.Writer, header []string) func(store.ImportRejection) error {
	if len(header) == 0 {
		w.Write([]string{"line", "name", "email", "reason"})
		return func(r store.ImportRejection) error {
			return w.Write([]string{strconv.Itoa(r.Line), spreadsheetSafe(r.Name), spreadsheetSafe(r.Email), r.Reason})
		}
	}
	w.Write(spreadsheetSafeRow(append(slices.Clone(header), problemColumn)))
	return func(r store.ImportRejection) error {
		rec := make([]string, len(header)+1)
		for i := range header {
			if i < len(r.Record) {
				rec[i] = spreadsheetSafe(r.Record[i])
			}
		}
		rec[len(header)] = "line " + strconv.Itoa(r.Line) + ": " + r.Reason
		return w.Write(rec)
	}
}
