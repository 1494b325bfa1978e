package callbacks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"testgate/store"
)

// Webhook signing follows Standard Webhooks: the signature is
// base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")) with
// the key decoded from a "whsec_<base64>" secret, sent as "v1,<signature>".
// After a rotation the old secret signs alongside the new one for a day,
// so receivers can switch without missing a callback.

const (
	settingWebhookPrevious  = "webhook_secret_previous"
	settingWebhookRotatedAt = "webhook_secret_rotated_at"
	rotationOverlap         = 24 * time.Hour
)

// Secrets knows the signing secrets: a fixed one from the configuration,
// or the one kept in the database (rotatable), shared by every process.
type Secrets struct {
	DB    *store.DB
	Fixed string // from the configuration; empty: the database's
}

// IsFixed reports whether the secret comes from the configuration.
func (w Secrets) IsFixed() bool { return w.Fixed != "" }

// Current returns the secrets that sign now, newest first.
func (w Secrets) Current(ctx context.Context) ([]string, error) {
	if w.Fixed != "" {
		return []string{w.Fixed}, nil
	}
	cur, err := w.DB.SettingOrCreate(ctx, store.SettingWebhookSecret, NewWebhookSecret)
	if err != nil {
		return nil, err
	}
	out := []string{cur}
	prev, err := w.DB.Setting(ctx, settingWebhookPrevious)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	rotated, _ := w.DB.Setting(ctx, settingWebhookRotatedAt)
	ms, _ := strconv.ParseInt(rotated, 10, 64)
	if w.DB.Now().Before(time.UnixMilli(ms).Add(rotationOverlap)) {
		out = append(out, prev)
	}
	return out, nil
}

// Rotate makes a new secret; the old one keeps signing for a day.
func (w Secrets) Rotate(ctx context.Context) error {
	if w.Fixed != "" {
		return errors.New("the webhook secret is set by the configuration")
	}
	cur, err := w.DB.SettingOrCreate(ctx, store.SettingWebhookSecret, NewWebhookSecret)
	if err != nil {
		return err
	}
	next, _ := NewWebhookSecret()
	return w.DB.SetSettings(ctx, map[string]string{
		store.SettingWebhookSecret: next, settingWebhookPrevious: cur,
		settingWebhookRotatedAt: strconv.FormatInt(w.DB.Now().UnixMilli(), 10),
	})
}

// NewWebhookSecret makes a "whsec_" secret of 32 random bytes.
func NewWebhookSecret() (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}

// Sign returns the webhook-signature header value for a body.
func Sign(secrets []string, id string, ts int64, body []byte) (string, error) {
	var sigs []string
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil {
			return "", fmt.Errorf("webhook secret: %w", err)
		}
		mac := hmac.New(sha256.New, key)
		fmt.Fprintf(mac, "%s.%d.", id, ts)
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}
