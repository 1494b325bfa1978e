package store

import (
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// passwords hashes and checks console users' passwords with bcrypt at one
// cost (Wiring.PasswordCost): the installation's, or the lowest in tests,
// where a hash at the default cost takes most of a second under -race.
type passwords struct {
	cost  int
	once  sync.Once
	dummy []byte
}

func newPasswords(cost int) *passwords {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	return &passwords{cost: cost}
}

// hash is a new password's bcrypt hash.
func (p *passwords) hash(password string) ([]byte, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), p.cost)
	if err != nil {
		return nil, fmt.Errorf("store: hash password: %w", err)
	}
	return h, nil
}

// matches reports whether password is the one hash was made from.
func (p *passwords) matches(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// equalise spends what checking a password costs, for an account that does
// not exist, so that a wrong address takes as long as a wrong password:
// against a hash at the same cost as the users'.
func (p *passwords) equalise(password string) {
	p.once.Do(func() { p.dummy, _ = bcrypt.GenerateFromPassword([]byte("testgate-timing-equaliser"), p.cost) })
	bcrypt.CompareHashAndPassword(p.dummy, []byte(password))
}
