package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"
)

// Callback events, named after the status they announce.
const (
	EventStarted   = "invitation.started"
	EventCompleted = "invitation.completed"
	EventExpired   = "invitation.expired"
	EventCancelled = "invitation.cancelled"
)

// callbackEvents maps the statuses that notify to their event.
var callbackEvents = map[InvitationStatus]string{
	StatusStarted: EventStarted, StatusCompleted: EventCompleted,
	StatusExpired: EventExpired, StatusCancelled: EventCancelled,
}

// Delivery statuses.
const (
	DeliveryPending    = "pending"
	DeliveryDelivering = "delivering"
	DeliveryDelivered  = "delivered"
	DeliveryFailed     = "failed"
)

// DeliveryStatuses lists them in the order the console offers them.
var DeliveryStatuses = []string{DeliveryPending, DeliveryDelivering, DeliveryDelivered, DeliveryFailed}

// PayloadBuilder writes a callback's JSON body in the shape of the dialect
// that created the invitation, or nil when that dialect announces no such
// event (iMocha sends only "In Progress" and "Complete"). The web layer
// provides it; the store calls it inside the transaction of the status
// change.
type PayloadBuilder interface {
	CallbackPayload(event string, inv Invitation, webhookID string, at time.Time) ([]byte, error)
}

// Delivery is one callback notification.
type Delivery struct {
	ID            int64
	InvitationID  int64
	Event         string
	URL           string
	Host          string // where URL posts to: deliveries take turns by it
	Payload       string
	WebhookID     string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	ResponseCode  int
	ResponseBody  string
	LastError     string
	DeliveredAt   *time.Time
	CreatedAt     time.Time
	Protocol      string // "": a signed POST; else an ATS's own (ProtocolGreenhouse)
}

const deliveryColumns = `id, invitation_id, event, url, host, payload, webhook_id, status, attempts, next_attempt_at,
	COALESCE(response_code, 0), response_body, last_error, delivered_at, created_at, protocol`

func scanDelivery(r row) (Delivery, error) {
	var d Delivery
	var next, created int64
	var delivered sql.NullInt64
	err := r.Scan(&d.ID, &d.InvitationID, &d.Event, &d.URL, &d.Host, &d.Payload, &d.WebhookID, &d.Status, &d.Attempts, &next,
		&d.ResponseCode, &d.ResponseBody, &d.LastError, &delivered, &created, &d.Protocol)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, ErrNotFound
	}
	if err != nil {
		return Delivery{}, err
	}
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = fromMillis(next), fromMillis(created), timePtr(delivered)
	return d, nil
}

// notify records the callback of a status change inside its transaction,
// and reports whether there was one to record.
func (db *DB) notify(ctx context.Context, tx *Tx, invitationID int64, event string, now time.Time) (bool, error) {
	inv, err := invitationTx(ctx, tx, invitationID)
	if err != nil || inv.CallbackURL == "" {
		return false, err
	}
	webhookID := "msg_" + NewToken(18)
	body, err := db.payloads.CallbackPayload(event, inv, webhookID, now)
	if err != nil || body == nil {
		return false, err
	}
	err = tx.ExecLater(ctx, `INSERT INTO callback_deliveries (invitation_id, event, url, host, payload, webhook_id, status,
			next_attempt_at, created_at, updated_at, protocol) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
		inv.ID, event, inv.CallbackURL, receivingHost(inv.CallbackURL), string(body), webhookID, millis(now), millis(now), millis(now),
		deliveryProtocols[inv.Source])
	if err == nil {
		tx.workDue(WorkCallbacks)
	}
	return err == nil, err
}

// ReplayCallbacks records a new notification of each invitation's current
// state (for integrators who missed one) and returns the ids that had a
// callback URL and a state to announce.
func (db *DB) ReplayCallbacks(ctx context.Context, invitationIDs []int64) ([]int64, error) {
	var queued []int64
	err := db.inTx(ctx, func(tx *Tx) error {
		now := db.Now()
		for _, id := range invitationIDs {
			inv, err := invitationTx(ctx, tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			event, ok := callbackEvents[inv.Status]
			if !ok || inv.CallbackURL == "" {
				continue
			}
			recorded, err := db.notify(ctx, tx, id, event, now)
			if err != nil {
				return err
			}
			if recorded {
				queued = append(queued, id)
			}
		}
		return nil
	})
	return queued, err
}

// receivingHost is the host:port a callback URL is posted to, the key of
// its turns.
func receivingHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// MaxDeliveryHosts bounds the hosts one claim takes turns for.
const MaxDeliveryHosts = 64

// ClaimDeliveries leases due deliveries host by host, so that a slow or
// dead receiver holds up only its own callbacks: of the receiving hosts
// with nothing in flight (in any process), up to hosts whose oldest
// delivery fell due first, and up to perHost deliveries of each in the
// order they fell due (each host's read through the index of its own due
// deliveries). Deliveries whose lease lapsed (their process died) are due
// again, whatever their host.
func (db *DB) ClaimDeliveries(ctx context.Context, hosts, perHost int, lease time.Duration) ([]Delivery, error) {
	hosts = min(hosts, MaxDeliveryHosts)
	var out []Delivery
	err := db.inTx(ctx, func(tx *Tx) error {
		out = out[:0]
		now := millis(db.Now())
		claim := func(picked string, args ...any) error {
			rows, err := tx.QueryContext(ctx, `UPDATE callback_deliveries SET status = 'delivering', attempts = attempts + 1,
					locked_until = ?, locked_by = ?, updated_at = ?
				WHERE id IN (`+picked+tx.dialect.skipLocked()+`)
				RETURNING `+deliveryColumns, append([]any{now + lease.Milliseconds(), db.process, now}, args...)...)
			claimed, err := collect(rows, err, scanDelivery)
			out = append(out, claimed...)
			return err
		}
		if err := claim(`SELECT id FROM callback_deliveries WHERE status = 'delivering' AND locked_until <= ? LIMIT ?`, now, hosts); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT host FROM callback_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
				AND host NOT IN (SELECT host FROM callback_deliveries WHERE status = 'delivering' AND locked_until > ?)
			GROUP BY host ORDER BY MIN(next_attempt_at), host LIMIT ?`, now, now, hosts)
		turns, err := collect(rows, err, func(r row) (string, error) {
			var host string
			return host, r.Scan(&host)
		})
		if err != nil {
			return err
		}
		for _, host := range turns {
			if err := claim(`SELECT id FROM callback_deliveries WHERE status = 'pending' AND host = ? AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?`, host, now, perHost); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ReleaseDeliveries hands back claimed deliveries that were not attempted
// (their worker is stopping): due again, their attempt not counted.
func (db *DB) ReleaseDeliveries(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{millis(db.Now())}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := db.execUncached(ctx, `UPDATE callback_deliveries SET status = 'pending', attempts = attempts - 1, locked_until = NULL, updated_at = ?
		WHERE status = 'delivering' AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	return err
}

// DeliveryOutcome is what one attempt produced.
type DeliveryOutcome struct {
	Code  int    // HTTP status, 0 when no response came
	Body  string // the start of the response body
	Error string // why it did not succeed
}

// RecordDelivery stores an attempt's outcome: delivered on a 2xx, else
// pending again at next, or failed when next is nil.
func (db *DB) RecordDelivery(ctx context.Context, id int64, o DeliveryOutcome, delivered bool, next *time.Time) error {
	now := millis(db.Now())
	status, nextAt := DeliveryFailed, now
	switch {
	case delivered:
		status = DeliveryDelivered
	case next != nil:
		status, nextAt = DeliveryPending, millis(*next)
	}
	var deliveredAt sql.NullInt64
	if delivered {
		deliveredAt = sql.NullInt64{Int64: now, Valid: true}
	}
	_, err := db.exec(ctx, `UPDATE callback_deliveries SET status = ?, next_attempt_at = ?, locked_until = NULL,
			response_code = ?, response_body = ?, last_error = ?, delivered_at = COALESCE(?, delivered_at), updated_at = ?
		WHERE id = ? AND status = 'delivering'`,
		status, nextAt, sql.NullInt64{Int64: int64(o.Code), Valid: o.Code != 0}, truncate(o.Body, 2000), truncate(o.Error, 1000),
		deliveredAt, now, id)
	return err
}

// RetryDelivery makes a failed (or waiting) delivery due now.
func (db *DB) RetryDelivery(ctx context.Context, id int64) error {
	now := millis(db.Now())
	res, err := db.execUncached(ctx, `UPDATE callback_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND status IN ('failed', 'pending')`, now, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		db.wake([]string{WorkCallbacks})
		return nil
	}
	if _, err := db.Delivery(ctx, id); err != nil {
		return err
	}
	return ErrConflict
}

// Delivery returns one delivery.
func (db *DB) Delivery(ctx context.Context, id int64) (Delivery, error) {
	return scanDelivery(db.queryRow(ctx, `SELECT `+deliveryColumns+` FROM callback_deliveries WHERE id = ?`, id))
}

// DeliveryFilter narrows the deliveries list.
type DeliveryFilter struct {
	Status       string
	InvitationID int64
	Teams        Teams // nil: every team's
	Limit        int
}

// Deliveries lists deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if f.InvitationID != 0 {
		conds, args = append(conds, "invitation_id = ?"), append(args, f.InvitationID)
	}
	if cond, targs := teamInvitations(f.Teams); f.Teams != nil {
		conds = append(conds, "invitation_id IN (SELECT i.id FROM invitations i WHERE "+cond+")")
		args = append(args, targs...)
	}
	q := `SELECT ` + deliveryColumns + ` FROM callback_deliveries`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, " AND ")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := db.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	return collect(rows, err, scanDelivery)
}

// DeliveryCounts counts callback deliveries per status.
func (db *DB) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	return db.countBy(ctx, `SELECT status, COUNT(*) FROM callback_deliveries GROUP BY status`)
}
