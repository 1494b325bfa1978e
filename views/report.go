package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"testgate/store"
)

// Words for an attempt's result, shared by the report page, the PDF, the
// lists and the export.

// ReviewLabel words where the grading of an attempt stands.
func ReviewLabel(inv store.Invitation) string {
	switch {
	case inv.Status != store.StatusCompleted:
		return ""
	case inv.Review == store.ReviewAwaiting:
		return "completed — awaiting review"
	case inv.Review == store.ReviewGraded:
		return "graded"
	}
	return "completed"
}

// OutcomeLabel is "Passed" or "Failed" once the total is final, with the
// passing score, or what the result waits for.
func OutcomeLabel(inv store.Invitation) string {
	switch inv.Outcome() {
	case "passed":
		return fmt.Sprintf("Passed (passing score %d %%)", inv.PassingScore)
	case "failed":
		return fmt.Sprintf("Failed (passing score %d %%)", inv.PassingScore)
	}
	if inv.Status == store.StatusCompleted && inv.Review == store.ReviewAwaiting {
		return "after review"
	}
	return "—"
}

// BandLabel is the attempt's band, or a dash.
func BandLabel(inv store.Invitation) string { return orDash(inv.Band()) }

// AnswerPoints words what an answer scored out of the question's points.
func AnswerPoints(q store.Question, a store.Answer) string {
	if a.Points == nil {
		if q.Rules().Reviewed() {
			return fmt.Sprintf("not graded yet (of %d)", q.Points)
		}
		return fmt.Sprintf("— / %d", q.Points)
	}
	return fmt.Sprintf("%d / %d", *a.Points, q.Points)
}

// SpentText words the time spent on a question.
func SpentText(secs int) string {
	if secs <= 0 {
		return "—"
	}
	d := time.Duration(secs) * time.Second
	if d < time.Minute {
		return fmt.Sprintf("%d s", secs)
	}
	return fmt.Sprintf("%d min %02d s", int(d.Minutes()), secs%60)
}

// SignalLabel names a kind of integrity signal.
func SignalLabel(kind string) string {
	switch kind {
	case store.SignalOpen:
		return "Opened the test page"
	case store.SignalStart:
		return "Started"
	case store.SignalSubmit:
		return "Submitted"
	case store.SignalFocusLost:
		return "Left the test page"
	case store.SignalPaste:
		return "Pasted into an answer"
	case store.SignalFullscreenExit:
		return "Left full screen"
	}
	return kind
}

// IntegritySummary counts the page's signals in words.
func IntegritySummary(signals []store.Signal) []string {
	n := store.SignalCounts(signals)
	return []string{
		plural(n[store.SignalFocusLost], "time left the test page", "times left the test page"),
		plural(n[store.SignalPaste], "paste into answers", "pastes into answers"),
		plural(n[store.SignalFullscreenExit], "exit from full screen", "exits from full screen"),
	}
}

// ChangeText words one entry of the score history.
func ChangeText(c store.ScoreChange) string {
	from := "not scored"
	if c.From != nil {
		from = fmt.Sprint(*c.From)
	}
	s := fmt.Sprintf("%s → %s by %s", from, store.Count(c.To, "point"), actorLabel(c.Actor))
	if c.Reason != "" {
		s += ": " + c.Reason
	}
	return s
}

// ChangesOf are the score history entries of one question.
func (r AttemptReport) ChangesOf(questionID int64) []store.ScoreChange {
	var out []store.ScoreChange
	for _, c := range r.Changes {
		if c.QuestionID == questionID {
			out = append(out, c)
		}
	}
	return out
}

// ExtraTimeText words an invitation's extra time.
func ExtraTimeText(inv store.Invitation) string {
	if inv.ExtraTimePercent == 0 {
		return "none"
	}
	return fmt.Sprintf("%d %%", inv.ExtraTimePercent)
}

// CompletionText words why an attempt was completed.
func CompletionText(reason string) string {
	if reason == "" {
		return "—"
	}
	return strings.ToUpper(reason[:1]) + reason[1:]
}

// TypedGrade is a grade as the reviewer typed it.
type TypedGrade struct {
	QuestionID      int64
	Points, Comment string
}

// gradePoints is the points field of a question's grade form: what the
// reviewer typed if their grade was refused, else the stored points.
func gradePoints(r ReportView, q store.Question) string {
	if r.Typed != nil && r.Typed.QuestionID == q.ID {
		return r.Typed.Points
	}
	if a := r.Answers[q.ID]; a.Points != nil {
		return fmt.Sprint(*a.Points)
	}
	return ""
}

// gradeComment is the comment field, likewise.
func gradeComment(r ReportView, q store.Question) string {
	if r.Typed != nil && r.Typed.QuestionID == q.ID {
		return r.Typed.Comment
	}
	return r.Answers[q.ID].Comment
}

// The mark a scored question shows on the report.
const (
	markNone       = iota // not scored yet (a written answer awaiting review)
	markCorrect           // answered right
	markWrong             // answered, not right
	markUnanswered        // no answer given: said so, as the PDF does, not "wrong"
	markPartly            // answered in part right: part marks above nothing
)

// answerMark is how a question's answer reads on the report.
func answerMark(q store.Question, answers map[int64]store.Answer) int {
	a, ok := answers[q.ID]
	switch {
	case !ok || !q.Rules().Answered(q, a):
		if q.Rules().Reviewed() {
			return markNone // the written answer's block says it
		}
		return markUnanswered
	case a.Correct == nil:
		return markNone
	case *a.Correct:
		return markCorrect
	case a.Points != nil && *a.Points > 0:
		return markPartly
	}
	return markWrong
}

// MarkingDetail is how an answer's mark was made when there is more to it
// than right or wrong (part marks, a penalty, the floor); "" otherwise.
func MarkingDetail(q store.Question, a store.Answer) string {
	if q.Rules().Reviewed() {
		return ""
	}
	switch how := q.Marked(a).How; how {
	case "right", "wrong", "not answered":
		return ""
	default:
		return how
	}
}

// MarkingSummary words a question's own marking rules for the console's
// list: "part marks, −1 a wrong answer, floor −1"; "" for none.
func MarkingSummary(q store.Question) string {
	var parts []string
	if q.Spec.Partial {
		parts = append(parts, "part marks")
	}
	if q.Spec.Penalty > 0 {
		parts = append(parts, fmt.Sprintf("−%d a wrong answer", q.Spec.Penalty))
	}
	if q.Spec.Floor < 0 {
		parts = append(parts, fmt.Sprintf("floor %d", q.Spec.Floor))
	}
	return strings.Join(parts, ", ")
}

// LinesPartName heads the first column of an answer set out part by part.
func LinesPartName(q store.Question) string {
	name := q.Rules().PartName()
	return strings.ToUpper(name[:1]) + name[1:]
}

// WrittenSettings words what a written answer was asked to be, and how it
// stands: "Go · 312 words, over the limit of 300 words".
func WrittenSettings(q store.Question, a store.Answer) string {
	var parts []string
	if q.Spec.Language != "" {
		parts = append(parts, "Written in "+q.Spec.Language)
	}
	if q.Spec.MinWords > 0 || q.Spec.MaxWords > 0 {
		words := plural(store.WordCount(a.Text), "word", "words")
		if against := q.WordsAgainstLimits(a.Text); against != "" {
			words += ", " + against
		}
		parts = append(parts, words)
	}
	return strings.Join(parts, " · ")
}

// PercentileText words a percentile.
func PercentileText(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func resultsURL(v ResultsView, page int) string {
	q := url.Values{}
	if v.Band != "" {
		q.Set("band", v.Band)
	}
	if v.State != "" {
		q.Set("state", v.State)
	}
	q.Set("page", strconv.Itoa(page))
	return "/tests/" + strconv.FormatInt(v.Test.ID, 10) + "/results?" + q.Encode()
}

// ResultText is a list's short result: the band and pass or fail once the
// score is final, "awaiting review" before.
func ResultText(inv store.Invitation) string {
	if inv.Status == store.StatusCompleted && inv.Review == store.ReviewAwaiting {
		return "awaiting review"
	}
	parts := []string{}
	if b := inv.Band(); b != "" {
		parts = append(parts, b)
	}
	switch inv.Outcome() {
	case "passed":
		parts = append(parts, "passed")
	case "failed":
		parts = append(parts, "failed")
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " · ")
}

// BrowserName shortens a user agent to its browser and system ("Chrome
// 140 on Linux"); the whole string stays in the cell's title.
func BrowserName(ua string) string {
	if ua == "" {
		return "—"
	}
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Version/", "Safari"},
	} {
		if i := strings.Index(ua, b.token); i >= 0 {
			version, _, _ := strings.Cut(ua[i+len(b.token):], ".")
			version, _, _ = strings.Cut(version, " ")
			browser = b.name + " " + version
			break
		}
	}
	system := ""
	for _, s := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"},
		{"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	return clipText(ua, 40)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// SectionScores are the attempt's points per section.
func (r AttemptReport) SectionScores() []store.SectionScore {
	return store.ScoreSections(r.Questions, r.Answers)
}

// SectionScoreText words a section's points: "6 / 6 points", with the
// written answers still waiting.
func SectionScoreText(s store.SectionScore) string {
	text := fmt.Sprintf("%d / %d points", s.Score, s.MaxScore)
	if s.Pending > 0 {
		text += fmt.Sprintf(", %s awaiting review", plural(s.Pending, "written answer", "written answers"))
	}
	return text
}
