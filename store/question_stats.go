package store

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// Question statistics of a test, from its completed attempts' stored
// answers, as Moodle's quiz statistics define them: per question its
// facility, its discrimination (upper against lower 27 %, and its
// correlation with the rest of the test), how often each option was
// chosen, the median time and the share skipped; per test the mean,
// median and spread of the scores, Cronbach's alpha and a histogram.

// TestStatistics is what a test's completed attempts say about it.
type TestStatistics struct {
	Attempts int
	// Scores as a percentage of each attempt's maximum: NaN without
	// attempts (SD with fewer than two).
	Mean, Median, SD float64
	// Alpha is Cronbach's alpha (KR-20 when Dichotomous); NaN with
	// AlphaNote saying why when it cannot be had.
	Alpha       float64
	AlphaNote   string
	Dichotomous bool // every question scores all or nothing
	// Histogram counts attempts by score: 0–10 %, 10–20 %, … 90–100 %.
	Histogram [10]int
	Questions []QuestionStatistics
}

// QuestionStatistics is one question's figures.
type QuestionStatistics struct {
	Question Question
	Given    int // attempts it was in
	Scored   int // of them, with a score (a reviewed kind waits for its reviewer)
	Skipped  float64
	// Facility is the mean score as a share of the question's points.
	Facility float64
	// Discrimination is the facility in the upper 27 % of attempts (by
	// score) less that in the lower 27 %.
	Discrimination float64
	// PointBiserial is the correlation of the question's score with the
	// rest of the test's (Moodle's discrimination index).
	PointBiserial float64
	MedianSeconds float64 // NaN when no page measured the time
	Options       []OptionChoice
}

// OptionChoice is how often one option of a choice question was chosen.
type OptionChoice struct {
	Text    string
	Correct bool
	Chosen  int
	Share   float64 // of the attempts given the question
}

// TestStatistics computes a test's statistics; they are kept until an
// invitation changes (an attempt completing or graded drops them).
func (db *DB) TestStatistics(ctx context.Context, testID int64) (TestStatistics, error) {
	gen := db.readGen.current()
	key := strconv.FormatInt(testID, 10)
	if e, ok := db.stats.get(key); ok && db.cachesReads() && db.readGen.countFresh(e.gen) {
		return e.v, nil
	}
	questions, err := db.testQuestionsForStats(ctx, testID)
	if err != nil {
		return TestStatistics{}, err
	}
	attempts, err := db.statAttempts(ctx, testID)
	if err != nil {
		return TestStatistics{}, err
	}
	groups, err := db.statAnswerGroups(ctx, testID)
	if err != nil {
		return TestStatistics{}, err
	}
	extremes, err := db.statExtremes(ctx, testID)
	if err != nil {
		return TestStatistics{}, err
	}
	st := computeStatistics(questions, attempts, groups, extremes)
	db.stats.put(key, st, gen)
	return st, nil
}

// testQuestionsForStats are every question a test's attempts can hold:
// its own, retired ones and the bank questions drawn into it.
func (db *DB) testQuestionsForStats(ctx context.Context, testID int64) ([]Question, error) {
	rows, err := db.query(ctx, `SELECT `+questionColumns+` FROM questions WHERE test_id = ? ORDER BY position = 0, position, id`, testID)
	return collect(rows, err, scanQuestion)
}

// completedOf is the condition of the attempts the statistics count.
const completedOf = `i.test_id = ? AND i.status = 'completed' AND i.erased_at IS NULL`

// statAttempt is one completed attempt's score.
type statAttempt struct {
	score, max float64
}

func (db *DB) statAttempts(ctx context.Context, testID int64) ([]statAttempt, error) {
	rows, err := db.query(ctx, `SELECT COALESCE(i.score, 0), COALESCE(i.max_score, 0) FROM invitations i WHERE `+completedOf+` ORDER BY i.id`, testID)
	return collect(rows, err, func(r row) (statAttempt, error) {
		var a statAttempt
		return a, r.Scan(&a.score, &a.max)
	})
}

// answerGroup is the answers to one question that chose the same options,
// wrote something or nothing alike and took the same seconds, with the
// sums the question's figures need (x: the answer's points, t: its
// attempt's score; over the scored answers only).
type answerGroup struct {
	question              int64
	choices               string
	wrote                 bool
	seconds               int
	given, scored         int
	sx, sxx, st, stt, sxt float64
}

// statAnswerGroups reads the answers summed by question and by what they
// were, so that the database adds up 10,000 attempts' answers rather than
// handing each over.
func (db *DB) statAnswerGroups(ctx context.Context, testID int64) ([]answerGroup, error) {
	rows, err := db.query(ctx, `SELECT aq.question_id, COALESCE(a.choices, '[]'), CASE WHEN TRIM(COALESCE(a.body, '')) = '' THEN 0 ELSE 1 END,
			COALESCE(a.seconds_spent, 0), COUNT(*), COUNT(a.points),
			COALESCE(SUM(a.points), 0), COALESCE(SUM(a.points * a.points), 0),
			COALESCE(SUM(CASE WHEN a.points IS NOT NULL THEN COALESCE(i.score, 0) END), 0),
			COALESCE(SUM(CASE WHEN a.points IS NOT NULL THEN COALESCE(i.score, 0) * COALESCE(i.score, 0) END), 0),
			COALESCE(SUM(a.points * COALESCE(i.score, 0)), 0)
		FROM attempt_questions aq JOIN invitations i ON i.id = aq.invitation_id
		LEFT JOIN answers a ON a.invitation_id = aq.invitation_id AND a.question_id = aq.question_id
		WHERE `+completedOf+`
		GROUP BY aq.question_id, COALESCE(a.choices, '[]'), CASE WHEN TRIM(COALESCE(a.body, '')) = '' THEN 0 ELSE 1 END, COALESCE(a.seconds_spent, 0)`, testID)
	return collect(rows, err, func(r row) (answerGroup, error) {
		var g answerGroup
		var wrote int
		err := r.Scan(&g.question, &g.choices, &wrote, &g.seconds, &g.given, &g.scored, &g.sx, &g.sxx, &g.st, &g.stt, &g.sxt)
		g.wrote = wrote == 1
		return g, err
	})
}

// extremes are a question's points summed over the weakest and the
// strongest 27 % of the attempts that were given it and scored on it,
// ranked by their share of their maximum (ties by the earlier attempt).
type extremes struct {
	lower, upper float64
	group        int
}

func (db *DB) statExtremes(ctx context.Context, testID int64) (map[int64]extremes, error) {
	rows, err := db.query(ctx, `SELECT question_id, COALESCE(SUM(CASE WHEN rk <= g THEN points END), 0),
			COALESCE(SUM(CASE WHEN rk > cnt - g THEN points END), 0), MAX(g)
		FROM (SELECT question_id, points, rk, cnt,
				CASE WHEN cnt / 2 < 1 THEN 0 WHEN ROUND(0.27 * cnt) < 1 THEN 1 WHEN ROUND(0.27 * cnt) > cnt / 2 THEN cnt / 2
					ELSE ROUND(0.27 * cnt) END AS g
			FROM (SELECT a.question_id, a.points,
					ROW_NUMBER() OVER (PARTITION BY a.question_id
						ORDER BY COALESCE(i.score * 1.0 / NULLIF(i.max_score, 0), 0), i.id) AS rk,
					COUNT(*) OVER (PARTITION BY a.question_id) AS cnt
				FROM answers a JOIN invitations i ON i.id = a.invitation_id
				JOIN attempt_questions aq ON aq.invitation_id = a.invitation_id AND aq.question_id = a.question_id
				WHERE `+completedOf+` AND a.points IS NOT NULL) ranked) grouped
		GROUP BY question_id`, testID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]extremes{}
	for rows.Next() {
		var q int64
		var e extremes
		var g float64
		if err := rows.Scan(&q, &e.lower, &e.upper, &g); err != nil {
			return nil, err
		}
		e.group = int(g)
		out[q] = e
	}
	return out, rows.Err()
}

// parseChoices reads a stored list of option indexes ("[0,2]").
func parseChoices(s string) []int {
	var out []int
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

// computeStatistics works the figures out of the attempts' scores and
// the answers' sums.
func computeStatistics(questions []Question, attempts []statAttempt, groups []answerGroup, ext map[int64]extremes) TestStatistics {
	st := TestStatistics{Attempts: len(attempts), Mean: math.NaN(), Median: math.NaN(), SD: math.NaN(), Alpha: math.NaN(), Dichotomous: true}
	percents := make([]float64, len(attempts))
	totals := make([]float64, len(attempts))
	for i, a := range attempts {
		if a.max > 0 {
			percents[i] = a.score / a.max * 100
		}
		totals[i] = a.score
		st.Histogram[min(int(percents[i]/10), 9)]++
	}
	if len(attempts) > 0 {
		st.Mean, st.SD = mean(percents), math.Sqrt(variance(percents))
		st.Median = median(percents)
	}
	byID := make(map[int64]int, len(questions))
	st.Questions = make([]QuestionStatistics, len(questions))
	moments := make([]itemSums, len(questions))
	seconds := make([]map[int]int, len(questions))
	for i, q := range questions {
		byID[q.ID] = i
		qs := QuestionStatistics{Question: q, Facility: math.NaN(), Discrimination: math.NaN(), PointBiserial: math.NaN(),
			MedianSeconds: math.NaN(), Skipped: math.NaN()}
		if q.Rules().HasOptions() {
			qs.Options = make([]OptionChoice, len(q.Options))
			for o, text := range q.Options {
				qs.Options[o] = OptionChoice{Text: text, Correct: q.IsCorrect(o)}
			}
		}
		st.Questions[i] = qs
		seconds[i] = map[int]int{}
	}
	skipped := make([]int, len(questions))
	for _, g := range groups {
		i, ok := byID[g.question]
		if !ok {
			continue
		}
		qs, q := &st.Questions[i], questions[i]
		qs.Given += g.given
		qs.Scored += g.scored
		a := Answer{QuestionID: g.question, Choices: parseChoices(g.choices)}
		if g.wrote {
			a.Text = "…" // something was written; its words do not matter here
		}
		if !q.Rules().Answered(q, a) {
			skipped[i] += g.given
		}
		for _, o := range a.Choices {
			if o >= 0 && o < len(qs.Options) {
				qs.Options[o].Chosen += g.given
			}
		}
		if g.seconds > 0 {
			seconds[i][g.seconds] += g.given
		}
		m := &moments[i]
		m.n += float64(g.scored)
		m.sx, m.sxx, m.st, m.stt, m.sxt = m.sx+g.sx, m.sxx+g.sxx, m.st+g.st, m.stt+g.stt, m.sxt+g.sxt
		if g.scored > 0 && g.sxx != g.sx*float64(q.Points) {
			st.Dichotomous = false // some answer scored between nothing and all
		}
	}
	for i, q := range questions {
		qs, m := &st.Questions[i], moments[i]
		if qs.Given > 0 {
			qs.Skipped = float64(skipped[i]) / float64(qs.Given)
			for o := range qs.Options {
				qs.Options[o].Share = float64(qs.Options[o].Chosen) / float64(qs.Given)
			}
		}
		qs.MedianSeconds = weightedMedian(seconds[i])
		if m.n == 0 || q.Points <= 0 {
			continue
		}
		qs.Facility = m.sx / (m.n * float64(q.Points))
		qs.PointBiserial = restCorrelation(m.n, m.sx, m.sxx, m.st, m.stt, m.sxt)
		if e, ok := ext[q.ID]; ok && e.group > 0 {
			qs.Discrimination = (e.upper - e.lower) / (float64(e.group) * float64(q.Points))
		}
	}
	st.Alpha, st.AlphaNote = testAlpha(st.Questions, moments, totals)
	return st
}

// itemSums are a question's scored answers summed: their number, their
// points x and their attempts' scores t, as Σx, Σx², Σt, Σt², Σxt.
type itemSums struct{ n, sx, sxx, st, stt, sxt float64 }

// itemVariance is the sample variance of the question's points.
func (m itemSums) itemVariance() float64 {
	if m.n < 2 {
		return math.NaN()
	}
	return (m.sxx - m.sx*m.sx/m.n) / (m.n - 1)
}

// restCorrelation is the correlation of the question's points x with the
// rest of each attempt's score, t − x, from the sums alone.
func restCorrelation(n, sx, sxx, st, stt, sxt float64) float64 {
	if n < 2 {
		return math.NaN()
	}
	sr, srr, sxr := st-sx, stt-2*sxt+sxx, sxt-sxx
	cov := sxr - sx*sr/n
	vx, vr := sxx-sx*sx/n, srr-sr*sr/n
	if vx <= 1e-12 || vr <= 1e-12 {
		return math.NaN()
	}
	return cov / math.Sqrt(vx*vr)
}

// weightedMedian is the median of values given with how often each came.
func weightedMedian(counts map[int]int) float64 {
	total := 0
	values := make([]int, 0, len(counts))
	for v, n := range counts {
		values = append(values, v)
		total += n
	}
	if total == 0 {
		return math.NaN()
	}
	slices.Sort(values)
	at := func(k int) float64 { // the k-th value, from 0
		for _, v := range values {
			if k < counts[v] {
				return float64(v)
			}
			k -= counts[v]
		}
		return math.NaN()
	}
	if total%2 == 1 {
		return at(total / 2)
	}
	return (at(total/2-1) + at(total/2)) / 2
}

// testAlpha is Cronbach's alpha, when every attempt was given the same
// questions and every answer is scored.
func testAlpha(qs []QuestionStatistics, moments []itemSums, totals []float64) (float64, string) {
	if len(totals) < 2 {
		return math.NaN(), "needs at least two attempts"
	}
	k, itemVar := 0, 0.0
	for i, q := range qs {
		if q.Given == 0 {
			continue
		}
		if q.Given != len(totals) {
			return math.NaN(), "attempts were given different questions"
		}
		if q.Scored != q.Given {
			return math.NaN(), "some answers await a reviewer’s score"
		}
		k++
		itemVar += moments[i].itemVariance()
	}
	if k < 2 {
		return math.NaN(), "needs at least two questions"
	}
	totalVar := variance(totals)
	if totalVar == 0 || math.IsNaN(totalVar) {
		return math.NaN(), "every attempt scored the same"
	}
	return float64(k) / float64(k-1) * (1 - itemVar/totalVar), ""
}
