package views

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"testgate/store"
)

// The attempt report as a PDF: for the console's download and for the
// integrators' report links (iMocha's ReportPDFUrl, Xobin's report_link).
// Text is set in DejaVu Sans, embedded, so names in Latin, Greek, Cyrillic,
// Armenian, Georgian, Hebrew and Arabic letters print as typed.

// AttemptReport is what the report of one attempt shows, on the
// console's page and in the PDF.
type AttemptReport struct {
	Invitation  store.Invitation
	Questions   []store.Question
	Answers     map[int64]store.Answer
	Changes     []store.ScoreChange
	Signals     []store.Signal
	Timeline    []store.Event
	Reason      string // why the attempt was completed
	GeneratedAt time.Time
}

// ReportPDF writes the PDF of one attempt.
func ReportPDF(r AttemptReport) ([]byte, error) {
	inv := r.Invitation
	pdf := reportWriter{fpdf.New("P", "mm", "A4", ""), &writerState{added: map[int]bool{}, tags: newStructure()}}
	// The writer writes into the font bytes it is given (reading a glyph's
	// metrics appends to a slice of the file), so each report has its own
	// copy: reports are made at once, and the fonts are shared.
	pdf.AddUTF8FontFromBytes(bodyFamily, "", bytes.Clone(dejaVuSans))
	pdf.AddUTF8FontFromBytes(bodyFamily, "B", bytes.Clone(dejaVuSansBold))
	pdf.SetTitle(bmp(pdfText("Test report: "+inv.Name+", "+inv.TestName)), true)
	pdf.SetCreator("Testgate", true)
	pdf.SetLang("en")
	pdf.SetCreationDate(r.GeneratedAt)
	pdf.SetModificationDate(r.GeneratedAt)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetAcceptPageBreakFunc(pdf.pageBreaking)
	pdf.SetHeaderFunc(pdf.pageBegun)
	pdf.SetFooterFunc(func() {
		pdf.artifact(func() {
			pdf.SetY(-12)
			pdf.SetFont(bodyFamily, "", 8)
			pdf.SetTextColor(110, 110, 110)
			pdf.CellFormat(0, 5, fmt.Sprintf("Testgate · invitation %d · generated %s · page %d", inv.ID,
				r.GeneratedAt.UTC().Format("2 Jan 2006 15:04 UTC"), pdf.PageNo()), "", 0, "C", false, 0, "")
		})
	})
	pdf.AddPage()

	pdf.SetFont(bodyFamily, "B", 16)
	pdf.tagged("H1", func() { pdf.MultiCell(0, 8, inv.TestName, "", "L", false) })
	pdf.SetFont(bodyFamily, "", 11)
	pdf.SetTextColor(80, 80, 80)
	pdf.MultiCell(0, 6, "Test report", "", "L", false)
	pdf.Ln(3)

	pdf.SetTextColor(0, 0, 0)
	rows := [][2]string{
		{"Candidate", inv.Name},
		{"Email", inv.Email},
		{"Status", ReportStatus(inv)},
		{"Invited", reportTime(&inv.InvitedAt)},
		{"Started", reportTime(inv.StartedAt)},
		{"Completed", reportTime(inv.CompletedAt)},
		{"Time taken", reportDuration(inv.StartedAt, inv.CompletedAt)},
		{"Score", reportScore(inv)},
	}
	if inv.Status == store.StatusCompleted {
		rows = append(rows, [2]string{"Review", ReviewLabel(inv)}, [2]string{"Result", OutcomeLabel(inv)},
			[2]string{"Band", BandLabel(inv)}, [2]string{"Ended", CompletionText(r.Reason)})
	}
	rows = append(rows, [2]string{"Extra time", ExtraTimeText(inv)})
	pdf.group("Table", func() {
		for _, row := range rows {
			pdf.group("TR", func() {
				pdf.SetFont(bodyFamily, "B", 10)
				pdf.tagged("TH", func() { pdf.CellFormat(34, 6.5, row[0], "", 0, "L", false, 0, "") })
				pdf.SetFont(bodyFamily, "", 10)
				pdf.tagged("TD", func() { pdf.MultiCell(0, 6.5, row[1], "", "L", false) })
			})
		}
	})

	pdf.Ln(4)
	pdf.SetFont(bodyFamily, "B", 12)
	pdf.tagged("H2", func() { pdf.MultiCell(0, 7, "Sections", "", "L", false) })
	pdf.SetFont(bodyFamily, "", 10)
	for _, sc := range r.SectionScores() {
		name := sc.Name
		if name == "" {
			name = inv.TestName
		}
		pdf.MultiCell(0, 6, name+": "+SectionScoreText(sc), "", "L", false)
	}
	answered := len(r.Questions) - store.Unanswered(r.Questions, r.Answers) // a saved blank is not an answer
	pdf.MultiCell(0, 6, fmt.Sprintf("%d questions, %d answered, %s", len(r.Questions), answered, reportScore(inv)), "", "L", false)

	pdf.Ln(4)
	pdf.SetFont(bodyFamily, "B", 12)
	pdf.tagged("H2", func() { pdf.MultiCell(0, 7, "Questions", "", "L", false) })
	for i, q := range r.Questions {
		a, ok := r.Answers[q.ID]
		pdf.SetFont(bodyFamily, "B", 10)
		title := fmt.Sprintf("%d. %s", i+1, q.Text)
		if q.SectionName != "" {
			title += " (" + q.SectionName + ")"
		}
		pdf.tagged("H3", func() { pdf.MultiCell(0, 6, title, "", "L", false) })
		pdf.SetFont(bodyFamily, "", 10)
		pdf.MultiCell(0, 6, "Answer: "+reportAnswer(q, a, ok), "", "L", false)
		if settings := WrittenSettings(q, a); settings != "" {
			pdf.MultiCell(0, 6, settings, "", "L", false)
		}
		if !q.Rules().Reviewed() {
			pdf.MultiCell(0, 6, "Right answer: "+orDash(q.Rules().Key(q)), "", "L", false)
		}
		pdf.MultiCell(0, 6, "Points: "+AnswerPoints(q, a)+" · time on it: "+SpentText(a.SecondsSpent), "", "L", false)
		if how := MarkingDetail(q, a); how != "" {
			pdf.MultiCell(0, 6, "Marked: "+how, "", "L", false)
		}
		if a.Comment != "" {
			pdf.MultiCell(0, 6, "Reviewer: "+a.Comment, "", "L", false)
		}
		pdf.Ln(2)
	}
	if len(r.Questions) == 0 {
		pdf.SetFont(bodyFamily, "", 10)
		pdf.MultiCell(0, 6, "The test has no questions.", "", "L", false)
	}

	pdf.Ln(4)
	pdf.SetFont(bodyFamily, "B", 12)
	pdf.tagged("H2", func() { pdf.MultiCell(0, 7, "Integrity signals", "", "L", false) })
	pdf.SetFont(bodyFamily, "", 10)
	pdf.MultiCell(0, 6, strings.Join(IntegritySummary(r.Signals), " · "), "", "L", false)
	for _, sig := range r.Signals {
		line := reportTime(&sig.OccurredAt) + "  " + SignalLabel(sig.Kind)
		if sig.Detail != "" {
			line += " (" + sig.Detail + ")"
		}
		if sig.IP != "" {
			line += " · " + sig.IP
		}
		pdf.MultiCell(0, 5.5, line, "", "L", false)
	}

	if len(r.Timeline) > 0 {
		pdf.Ln(4)
		pdf.SetFont(bodyFamily, "B", 12)
		pdf.tagged("H2", func() { pdf.MultiCell(0, 7, "Timeline", "", "L", false) })
		pdf.SetFont(bodyFamily, "", 10)
		for _, e := range r.Timeline {
			line := reportTime(&e.OccurredAt) + "  " + EventLabel(e.Kind)
			if e.Detail != "" {
				line += " · " + eventDetail(e.Detail)
			}
			if e.Actor != "" {
				line += " · by " + actorLabel(e.Actor)
			}
			pdf.MultiCell(0, 5.5, line, "", "L", false)
		}
	}

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("views: write report PDF: %w", err)
	}
	return tagStructure(tagSubsets(b.Bytes()), pdf.st.tags)
}

// reportWriter is the PDF with every text passed through pdfText, drawn
// in visual order when right-to-left and in the fallback font where
// DejaVu Sans has no glyph.
type reportWriter struct {
	*fpdf.Fpdf
	st *writerState
}

// MultiCell draws a paragraph (P) unless it is part of an element already.
func (p reportWriter) MultiCell(w, h float64, txt, border, align string, fill bool) {
	p.tagged("P", func() { p.multiCell(w, h, txt, border, align, fill) })
}

func (p reportWriter) multiCell(w, h float64, txt, border, align string, fill bool) {
	txt = pdfText(txt)
	switch {
	case hasRTL(txt):
		p.multiCellRTL(w, h, shapeArabic(bmp(txt)), border, align, fill)
		return
	case needsFallbackText(txt):
		p.multiCellMixed(w, h, txt, fill)
		return
	}
	p.multiCellPlain(w, h, bmp(txt), border, align, fill)
}

// multiCellPlain is MultiCell for text the body font holds: wrapped by the
// writer's own rule, each line drawn keeping the space it broke at, so that
// the text a reader extracts from the structure has its words apart (the
// writer's MultiCell drops that space).
func (p reportWriter) multiCellPlain(w, h float64, txt, border, align string, fill bool) {
	left, _, right, _ := p.GetMargins()
	x := p.GetX()
	if w == 0 {
		pageWidth, _ := p.GetPageSize()
		w = pageWidth - right - x
	}
	lines := p.SplitText(txt, w)
	if len(lines) == 0 {
		lines = []string{""}
	}
	rest := []rune(txt)
	for _, line := range lines {
		rest = rest[min(len([]rune(line)), len(rest)):]
		if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\n') { // where the line broke
			if rest[0] == ' ' {
				line += " "
			}
			rest = rest[1:]
		}
		p.SetX(x)
		p.Fpdf.CellFormat(w, h, line, border, 2, align, fill, 0, "")
	}
	p.SetX(left)
}

func (p reportWriter) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	p.tagged("P", func() {
		p.Fpdf.CellFormat(w, h, visualOrder(shapeArabic(bmp(pdfText(txt)))), border, ln, align, fill, link, linkStr)
	})
}

// ReportStatus words an attempt's status for the report.
func ReportStatus(inv store.Invitation) string {
	switch inv.Status {
	case store.StatusInvited:
		return "Invited, not opened"
	case store.StatusOpened:
		return "Opened, not started"
	case store.StatusStarted:
		return "In progress"
	case store.StatusCompleted:
		return "Completed"
	case store.StatusExpired:
		return "Expired"
	default:
		return "Cancelled"
	}
}

func reportTime(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

func reportDuration(from, to *time.Time) string {
	if from == nil || to == nil {
		return "—"
	}
	d := to.Sub(*from).Round(time.Second)
	m, s := int(d.Minutes()), int(d.Seconds())%60
	return fmt.Sprintf("%d min %02d s", m, s)
}

func reportScore(inv store.Invitation) string {
	if inv.Score == nil || inv.MaxScore == nil {
		return "not scored yet"
	}
	p := inv.ScorePercent()
	if p == nil {
		return fmt.Sprintf("%d / %d points", *inv.Score, *inv.MaxScore)
	}
	return fmt.Sprintf("%d / %d points (%s %%)", *inv.Score, *inv.MaxScore, store.FormatPercent(*p))
}

func reportAnswer(q store.Question, a store.Answer, ok bool) string {
	if !ok || !q.Rules().Answered(q, a) {
		return "not answered"
	}
	return orDash(q.Rules().Words(q, a))
}
