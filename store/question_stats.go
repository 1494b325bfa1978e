package store

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
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
	attempts, err := db.statAttempts(ctx, `i.test_id = ?`, testID)
	if err != nil {
		return TestStatistics{}, err
	}
	st := computeStatistics(questions, attempts)
	db.stats.put(key, st, gen)
	return st, nil
}

// testQuestionsForStats are every question a test's attempts can hold:
// its own, retired ones and the bank questions drawn into it.
func (db *DB) testQuestionsForStats(ctx context.Context, testID int64) ([]Question, error) {
	rows, err := db.query(ctx, `SELECT `+questionColumns+` FROM questions WHERE test_id = ? ORDER BY position = 0, position, id`, testID)
	return collect(rows, err, scanQuestion)
}

// statAttempt is one completed attempt: its score, its maximum, and its
// answers as stat_items keeps them (migration 0037).
type statAttempt struct {
	score, max float64
	items      []statItem
}

// statItem is one question of an attempt.
type statItem struct {
	question int64
	points   float64
	scored   bool
	choices  []int
	wrote    bool
	seconds  int
}

// statAttempts reads the completed attempts of the tests cond names (on
// invitations i), one row each: the answers of 10,000 attempts are 10,000
// rows, not 200,000.
func (db *DB) statAttempts(ctx context.Context, cond string, args ...any) ([]statAttempt, error) {
	rows, err := db.query(ctx, `SELECT COALESCE(i.score, 0), COALESCE(i.max_score, 0), COALESCE(i.stat_items, '') FROM invitations i
		WHERE `+cond+` AND i.status = 'completed' AND i.erased_at IS NULL ORDER BY i.id`, args...)
	return collect(rows, err, scanStatAttempt)
}

// scanStatAttempt reads an attempt's score, maximum and stat_items.
func scanStatAttempt(r row) (statAttempt, error) {
	var a statAttempt
	var items string
	if err := r.Scan(&a.score, &a.max, &items); err != nil {
		return a, err
	}
	a.items = parseStatItems(items)
	return a, nil
}

// parseStatItems reads "question:points:choices:wrote:seconds;…"; an item
// that does not read is left out. It allocates the items and all their
// choices once per attempt: 10,000 attempts are read in one go.
func parseStatItems(s string) []statItem {
	if s == "" {
		return nil
	}
	out := make([]statItem, 0, strings.Count(s, ";")+1)
	choices := make([]int, 0, len(out)) // one backing array for every item's choices
	for field := range strings.SplitSeq(s, ";") {
		q, rest, ok1 := strings.Cut(field, ":")
		points, rest, ok2 := strings.Cut(rest, ":")
		picked, rest, ok3 := strings.Cut(rest, ":")
		wrote, secs, ok4 := strings.Cut(rest, ":")
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		var it statItem
		var err error
		if it.question, err = strconv.ParseInt(q, 10, 64); err != nil {
			continue
		}
		if points != "" {
			p, err := strconv.Atoi(points)
			if err != nil {
				continue
			}
			it.points, it.scored = float64(p), true
		}
		from := len(choices)
		for picked != "" {
			var c string
			c, picked, _ = strings.Cut(picked, ".")
			if n, err := strconv.Atoi(c); err == nil {
				choices = append(choices, n)
			}
		}
		if len(choices) > from {
			it.choices = choices[from:len(choices):len(choices)]
		}
		it.wrote = wrote == "1"
		it.seconds, _ = strconv.Atoi(secs)
		out = append(out, it)
	}
	return out
}

// computeStatistics works the figures out of the attempts.
func computeStatistics(questions []Question, attempts []statAttempt) TestStatistics {
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
		st.Median = median(slices.Clone(percents))
	}
	// Attempts by their share of their maximum, ties by the earlier: the
	// weakest and strongest 27 % are taken from this order.
	order := make([]int, len(attempts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(percents[x], percents[y]) })
	rank := make([]int, len(attempts))
	for r, a := range order {
		rank[a] = r
	}

	byID := make(map[int64]int, len(questions))
	st.Questions = make([]QuestionStatistics, len(questions))
	for i, q := range questions {
		byID[q.ID] = i
		qs := QuestionStatistics{Question: q, Facility: math.NaN(), Discrimination: math.NaN(), PointBiserial: math.NaN(),
			MedianSeconds: math.NaN(), Skipped: math.NaN()}
		if labels := q.Rules().ChoiceLabels(q); labels != nil {
			qs.Options = make([]OptionChoice, len(labels))
			for o, text := range labels {
				qs.Options[o] = OptionChoice{Text: text, Correct: q.IsCorrect(o)}
			}
		}
		st.Questions[i] = qs
	}
	moments := make([]itemSums, len(questions))
	skipped := make([]int, len(questions))
	seconds := make([][]float64, len(questions))
	ranked := make([][]rankedPoints, len(questions)) // the scored answers, by their attempt's rank
	for a, at := range attempts {
		for _, it := range at.items {
			i, ok := byID[it.question]
			if !ok {
				continue
			}
			qs, q := &st.Questions[i], questions[i]
			qs.Given++
			// Something written (words, a number, a blank filled) is an
			// answer; else the kind says whether its choices are one.
			if !it.wrote && !q.Rules().Answered(q, Answer{QuestionID: it.question, Choices: it.choices}) {
				skipped[i]++
			}
			for _, o := range it.choices {
				if o >= 0 && o < len(qs.Options) {
					qs.Options[o].Chosen++
				}
			}
			if it.seconds > 0 {
				seconds[i] = append(seconds[i], float64(it.seconds))
			}
			if !it.scored {
				continue
			}
			qs.Scored++
			m := &moments[i]
			x, t := it.points, totals[a]
			m.n, m.sx, m.sxx, m.st, m.stt, m.sxt = m.n+1, m.sx+x, m.sxx+x*x, m.st+t, m.stt+t*t, m.sxt+x*t
			if x != 0 && x != float64(q.Points) {
				st.Dichotomous = false // scored between nothing and all
			}
			ranked[i] = append(ranked[i], rankedPoints{rank[a], x})
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
		qs.MedianSeconds = median(seconds[i])
		if m.n == 0 || q.Points <= 0 {
			continue
		}
		qs.Facility = m.sx / (m.n * float64(q.Points))
		qs.PointBiserial = restCorrelation(m.n, m.sx, m.sxx, m.st, m.stt, m.sxt)
		qs.Discrimination = upperLower(ranked[i], q.Points)
	}
	st.Alpha, st.AlphaNote = testAlpha(st.Questions, moments, totals)
	return st
}

// rankedPoints is an answer's points and its attempt's rank by score.
type rankedPoints struct {
	rank   int
	points float64
}

// upperLower is the facility among the strongest 27 % of the attempts
// scored on a question less that among the weakest 27 %.
func upperLower(answers []rankedPoints, points int) float64 {
	g := groupSize(len(answers))
	if g == 0 {
		return math.NaN()
	}
	slices.SortFunc(answers, func(x, y rankedPoints) int { return x.rank - y.rank })
	sum := func(ps []rankedPoints) float64 {
		s := 0.0
		for _, p := range ps {
			s += p.points
		}
		return s
	}
	return (sum(answers[len(answers)-g:]) - sum(answers[:g])) / (float64(g) * float64(points))
}

// groupSize is how many answers make the upper (or lower) 27 % of n: at
// least one, never more than half.
func groupSize(n int) int {
	return min(max(1, int(math.Round(0.27*float64(n)))), n/2)
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
