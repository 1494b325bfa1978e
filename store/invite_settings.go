package store

import "time"

// What an invitation takes from its link, and what its request overrides.

// inviteSettings are the link's settings with the request's overrides.
type inviteSettings struct {
	callbackURL, redirectURL                     string
	hideInstruction, disableMandatory, sendEmail bool
	expiresAt, validFrom, validUntil             *time.Time
}

// mergeSettings is what an invitation made (or re-opened) at now takes.
func mergeSettings(l TestLink, n NewInvitation, now time.Time) inviteSettings {
	s := inviteSettings{l.CallbackURL, l.RedirectURL, l.HideInstruction, l.DisableMandatoryFields, l.SendEmail, l.deadlineFor(now), l.ValidFrom, l.ValidUntil}
	if n.CallbackURL != nil {
		s.callbackURL = *n.CallbackURL
	}
	if n.RedirectURL != nil {
		s.redirectURL = *n.RedirectURL
	}
	if n.HideInstruction != nil {
		s.hideInstruction = *n.HideInstruction
	}
	if n.DisableMandatoryFields != nil {
		s.disableMandatory = *n.DisableMandatoryFields
	}
	if n.SendEmail != nil {
		s.sendEmail = *n.SendEmail
	}
	if n.ExpiresAt != nil {
		s.expiresAt = n.ExpiresAt
	}
	if n.ValidFrom != nil {
		s.validFrom = n.ValidFrom
	}
	if n.ValidUntil != nil {
		s.validUntil = n.ValidUntil
	}
	return s
}

// deadlineFor is when an invitation made through the link at invited
// expires: its days after invited, or the link's date if that comes first.
func (l TestLink) deadlineFor(invited time.Time) *time.Time {
	if l.ExpireAfterDays == 0 {
		return l.ExpiresAt
	}
	at := invited.AddDate(0, 0, l.ExpireAfterDays)
	if l.ExpiresAt != nil && l.ExpiresAt.Before(at) {
		return l.ExpiresAt
	}
	return &at
}
