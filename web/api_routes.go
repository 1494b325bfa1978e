package web

import (
	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
	"testgate/web/api/ashby"
	"testgate/web/api/callbacks"
	"testgate/web/api/greenhouse"
	"testgate/web/api/imocha"
	"testgate/web/api/native"
	"testgate/web/api/testinvite"
	"testgate/web/api/thinkexam"
	"testgate/web/api/xobin"
)

// dialects are the API's handlers, one package each.
type dialects struct {
	native     *native.Handler
	imocha     *imocha.Handler
	xobin      *xobin.Handler
	testinvite *testinvite.Handler
	thinkexam  *thinkexam.Handler
	greenhouse *greenhouse.Handler
	ashby      *ashby.Handler
}

// newDialects builds every dialect's handler and registers their callback
// bodies in the registry the store was opened with.
func (s *Server) newDialects() error {
	base, err := apihttp.NewBase(apihttp.Deps{DB: s.db, URLs: s, Reports: s}, s.log)
	if err != nil {
		return err
	}
	s.apis = dialects{native: &native.Handler{Base: base}, imocha: &imocha.Handler{Base: base}, xobin: &xobin.Handler{Base: base},
		testinvite: &testinvite.Handler{Base: base}, thinkexam: &thinkexam.Handler{Base: base}, greenhouse: &greenhouse.Handler{Base: base},
		ashby: &ashby.Handler{Base: base}}
	if err := s.cfg.Callbacks.Register(s.apis.native, map[string]callbacks.CallbackBuilder{
		store.SourceIMocha: s.apis.imocha, store.SourceXobin: s.apis.xobin,
		store.SourceTestinvite: s.apis.testinvite, store.SourceThinkExam: s.apis.thinkexam,
		store.SourceGreenhouse: s.apis.greenhouse, store.SourceAshby: s.apis.ashby,
	}); err != nil {
		return err
	}
	return s.cfg.Callbacks.RegisterProtocols(map[string]callbacks.Protocol{
		store.ProtocolGreenhouse: greenhouse.Patcher{DB: s.db, Sealer: s.sealer()},
		store.ProtocolAshby:      ashby.Updater{DB: s.db, Sealer: s.sealer()},
	})
}

// apiRoutes maps every dialect's routes. Body limits sit inside each group,
// after its dialect's error writer, so that a refusal speaks the dialect.
func (s *Server) apiRoutes() {
	e, key := s.e, apihttp.RequireKey(s.db, s.log)
	limit := func(n int64) echo.MiddlewareFunc { return bodyLimit(n, nil) }

	// Each route names the key scope it needs (store.KeyScope): reading
	// needs read; creating, cancelling and re-attempting invitations needs
	// invite; the rest needs full.
	read, invite, full := apihttp.Needs(store.ScopeRead), apihttp.Needs(store.ScopeInvite), apihttp.Needs(store.ScopeFull)

	n := s.apis.native
	nat := e.Group("/api/native", apihttp.Dialect(native.WriteError), key, s.teamScope, limit(1<<20), requireAPIText)
	nat.POST("/tests", n.CreateTest, full)
	nat.GET("/tests", n.ListTests, read)
	nat.GET("/tests/:id", n.GetTest, read)
	nat.POST("/tests/:id/duplicate", n.DuplicateTest, full)
	nat.POST("/tests/:id/links", n.CreateLink, full)
	nat.GET("/tests/:id/links", n.ListLinks, read)
	nat.POST("/links/:id/invitations", n.Invite, invite)
	nat.GET("/invitations", n.ListInvitations, read)
	nat.GET("/invitations/:id", n.GetInvitation, read)
	nat.POST("/invitations/:id/cancel", n.CancelInvitation, invite)
	nat.POST("/invitations/:id/grades", n.Grade, full)
	nat.POST("/invitations/:id/erase", n.EraseInvitation, full)
	nat.POST("/candidates/erase", n.EraseCandidate, full)
	nat.POST("/candidates/export", n.ExportCandidate, full)
	nat.POST("/bank/questions", n.AddBankQuestions, full)
	nat.GET("/bank/questions", n.ListBankQuestions, read)
	nat.GET("/bank/questions/:id", n.GetBankQuestion, read)
	nat.PUT("/bank/questions/:id", n.UpdateBankQuestion, full)
	nat.DELETE("/bank/questions/:id", n.ArchiveBankQuestion, full)
	e.GET("/api/native/openapi.json", s.openAPI(native.Document))

	im := s.apis.imocha
	v3 := e.Group("/v3", apihttp.Dialect(imocha.WriteError), key, s.teamScope, limit(1<<20), requireAPIText)
	v3.POST("/tests/:testId/testlinks/:testLinkId/invite", im.InviteCandidate, invite)
	v3.POST("/tests/:testId/invite", im.InviteCandidate, invite)
	v3.GET("/tests", im.Tests, read)
	v3.GET("/tests/:testId", im.Test, read)
	v3.GET("/tests/:testId/testlinks", im.TestLinks, read)
	v3.GET("/tests/:testId/testlinks/:testLinkId", im.TestLink, read)
	v3.POST("/invitations/:id/cancel", im.Cancel, invite)
	v3.POST("/invitations/:id/reattempt", im.Reattempt, invite)
	v3.POST("/candidates/testattempts", im.TestAttempts, read) // a search, posted
	v3.GET("/reports/:id", im.Report, read)
	v3.GET("/reports/:id/pdf", im.ReportPDF, read)
	v3.POST("/callbacks/process", im.ReplayCallbacks, full)
	v3.POST("/gdpr/requests", im.GDPRRequest, full)
	v3.GET("/timezones", im.TimeZones, read)
	v3.POST("/tests/:testId/invitations/bulk", im.BulkInvite, invite)
	v3.GET("/tests/:testId/settings", im.TestSettings, read)
	v3.GET("/tests/:testId/reports", im.TestReports, read)
	v3.GET("/reports", im.AllReports, read)
	e.GET("/v3/openapi.json", s.openAPI(imocha.Document))

	ti := s.apis.testinvite
	rest := e.Group("/api/integration/rest/v1", apihttp.Dialect(testinvite.WriteError), key, s.teamScope, limit(1<<20), requireAPIText)
	rest.POST("/tasks/:taskId/candidates", ti.Create, invite)
	rest.GET("/tasks/:taskId/candidates", ti.List, read)
	rest.GET("/tasks/:taskId/candidates/:candidateId", ti.Get, read)
	rest.DELETE("/tasks/:taskId/candidates/:candidateId", ti.Delete, invite)
	rest.GET("/tasks", ti.Tasks, read)
	rest.GET("/tasks/:taskId", ti.Task, read)
	rest.GET("/tasks/:taskId/test-instances", ti.TestInstances, read)
	rest.GET("/tasks/:taskId/test-instances/:id", ti.TestInstance, read)
	e.GET("/api/integration/rest/v1/openapi.json", s.openAPI(testinvite.Document))

	// Xobin's pages give its routes bare and under the /api/v2 base path.
	xo := s.apis.xobin
	for _, base := range []string{"", "/api/v2"} {
		g := e.Group(base, apihttp.Dialect(xobin.WriteError), xo.RequireKey, s.teamScope, limit(1<<20), requireAPIText)
		g.POST("/assessments/invite", xo.AssessmentInvite, invite)
		g.POST("/assessment/invite", xo.BulkInvite, invite)
		g.POST("/automated-interviews/invite", xo.InterviewInvite, invite)
		g.GET("/assessments/report/:report_id", xo.Report, read)
		g.POST("/assessments/reports/:report_id/:option", xo.ShareReport, full) // emails a report out
		g.POST("/assessments/invite/revoke", xo.Revoke, invite)
		g.POST("/candidate/delete", xo.DeleteCandidate, full)
		g.POST("/candidate/delete/cancel", xo.CancelDeletion, full)
		g.POST("/ai-interviews/invite", xo.AIInterviewInvite, invite)
		g.GET("/ai-interviews/invited/:ai_interview_id", xo.AIInterviewInvited, read)
		g.GET("/ai-interviews/report", xo.AIInterviewReport, read)
		g.GET("/ai-interviews/report/:response_id", xo.AIInterviewReport, read)
		g.POST("/ai-interviews/report/:response_id/:option", xo.AIInterviewShare, full)
	}

	e.GET("/api/v2/openapi.json", s.openAPI(xobin.Document))

	// ThinkExam: 10,000 addresses fit in a few hundred kilobytes.
	te := s.apis.thinkexam
	v1 := e.Group("/api/v1", thinkexam.Dialect, limit(2<<20), requireAPIText)
	v1.POST("/generateSignature", te.GenerateSignature)
	e.GET("/api/v1/openapi.json", s.openAPI(thinkexam.Document))
	signed := v1.Group("", te.RequireSignature, s.teamScope)
	signed.POST("/assignTest", te.Assign(false), invite)
	signed.POST("/assignTestMultiCandidates", te.Assign(true), invite)
	signed.POST("/deassignTest", te.Deassign, invite)
	signed.POST("/unifiedAuth", te.Register, invite)
	signed.POST("/candidateList", te.CandidateList, read)

	// Greenhouse: the partner endpoints its Assessment API calls, each URL
	// given to Greenhouse as is.
	gh := s.apis.greenhouse
	ghg := e.Group("/api/greenhouse", apihttp.Dialect(greenhouse.WriteError), key, s.teamScope, limit(1<<20), requireAPIText)
	ghg.GET("/list_tests", gh.ListTests, read)
	ghg.POST("/send_test", gh.SendTest, invite)
	ghg.GET("/test_status", gh.TestStatus, read)
	ghg.POST("/response_error", gh.ResponseError, read)
	e.GET("/api/greenhouse/openapi.json", s.openAPI(greenhouse.Document))

	// Ashby: the partner calls of its Assessments Partner API, under the
	// base URL given to Ashby.
	as := s.apis.ashby
	asg := e.Group("/api/ashby", apihttp.Dialect(ashby.WriteError), key, s.teamScope, limit(1<<20), requireAPIText)
	asg.POST("/assessment.list", as.List, read)
	asg.POST("/assessment.start", as.Start, invite)
	asg.POST("/assessment.cancel", as.Cancel, invite)
	e.GET("/api/ashby/openapi.json", s.openAPI(ashby.Document))
}

// sealer keeps the credentials Testgate calls ATSs back with.
func (s *Server) sealer() apihttp.Sealer { return apihttp.NewSealer(s.cfg.SessionKey) }

// openAPI serves a dialect's OpenAPI document, this installation its
// server; it needs no key: it is a manual.
func (s *Server) openAPI(doc []byte) echo.HandlerFunc {
	return func(c echo.Context) error { return apihttp.ServeOpenAPI(c, doc, s.cfg.BaseURL) }
}
