package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// audit records in the audit log every request by a console user or an
// API key that changes something (any method but GET and HEAD), and every
// view or export of candidates' answers (reports, PDFs, CSV exports, a
// candidate's data), whatever its outcome. Candidates' own requests are
// not in it; their invitation's timeline holds what they did.
//
// The entry is written after the request, in its own transaction: a crash
// between the two loses the entry, not the change.
func (s *Server) audit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		req := c.Request()
		route := c.Path()
		change := req.Method != http.MethodGet && req.Method != http.MethodHead
		_, named := c.Get(ctxAuditAs).(auditAs)
		if req.Method == http.MethodHead || !change && !viewsAnswers(route) && !named {
			return err // a HEAD shows nothing and changes nothing
		}
		actor, record := auditActor(c, route), auditRecord(c)
		if as, ok := c.Get(ctxAuditAs).(auditAs); ok {
			actor, record = as.actor, as.record
		}
		if actor == "" {
			return err
		}
		status := c.Response().Status
		if err != nil && !c.Response().Committed {
			status, _, _ = classify(err)
		}
		entry := store.AuditEntry{Actor: actor, Action: req.Method + " " + route, Record: record, Status: status, IP: c.RealIP()}
		if aerr := s.db.Audit(context.WithoutCancel(req.Context()), entry); aerr != nil {
			s.log.Error("audit log", "err", aerr, "actor", actor, "action", entry.Action)
		}
		return err
	}
}

// ctxAuditAs holds who and what a request was about when no signed-in
// user or key made it: a sign-in attempt (a GET too, through the identity
// provider), a password set from a link.
const ctxAuditAs = "audit_as"

type auditAs struct{ actor, record string }

// setAuditAs names a request's actor and record for the audit log.
func setAuditAs(c echo.Context, actor, record string) { c.Set(ctxAuditAs, auditAs{actor, record}) }

// viewsAnswers reports whether a GET route shows or exports candidates'
// answers or data.
func viewsAnswers(route string) bool {
	return strings.Contains(route, "report") || strings.HasSuffix(route, ".csv") || strings.HasSuffix(route, "candidate-data.json")
}

// auditActor is who made the request: the signed-in user, the API key, a
// signed report link, or "" for a candidate or a stranger.
func auditActor(c echo.Context, route string) string {
	if u := currentUser(c); u != nil {
		return "user:" + u.Email
	}
	if a := apihttp.Actor(c); a != "api" {
		return a
	}
	if route == "/reports/:file" {
		return "report link"
	}
	return ""
}

// auditRecord names what a request touched: a route naming a team's
// record by the record's kind and its id as parsed ("invitations 6" for
// /v3/reports/0006 as for /invitations/6, so that a record's history finds
// it whichever way it was reached); another route by the segment before its
// first parameter and the parameter; "" for a list or a new record.
func auditRecord(c echo.Context) string {
	if kind, param, ok := guardedRecord(c.Path()); ok {
		return kind + " " + canonicalID(c.Param(param))
	}
	segments := strings.Split(strings.Trim(c.Path(), "/"), "/")
	for i, seg := range segments {
		if seg == ":token" && i > 0 {
			return segments[i-1] // a secret: never written down
		}
		if strings.HasPrefix(seg, ":") && i > 0 {
			return segments[i-1] + " " + canonicalID(c.Param(seg[1:]))
		}
	}
	return ""
}

// canonicalID writes a path's id as the handlers read it ("0006.pdf" is
// 6), or, for what is not an id, at most 64 characters of it.
func canonicalID(raw string) string {
	if id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".pdf"), 10, 64); err == nil {
		return strconv.FormatInt(id, 10)
	}
	return truncateRunes(raw, 64)
}
