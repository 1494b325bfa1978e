package apihttp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Sealer keeps credentials Testgate calls others with (an ATS's) encrypted
// at rest: AES-256-GCM under a key derived from the session key, so a copy
// of the database alone does not hand them over when the session key is
// configured outside it. A sealed value reads "v1:<base64 nonce|box>".
type Sealer struct{ key [32]byte }

// NewSealer derives the sealing key from the session key.
func NewSealer(sessionKey []byte) Sealer {
	return Sealer{key: sha256.Sum256(append([]byte("testgate ats credential:"), sessionKey...))}
}

// Seal encrypts a credential.
func (s Sealer) Seal(plain string) (string, error) {
	gcm, err := s.gcm()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

// ErrUnsealable is a sealed value this session key cannot open (it was
// sealed under another one, or altered).
var ErrUnsealable = errors.New("the kept credential cannot be read with this session key: keep it again in Settings → Integrations")

// Open decrypts a sealed credential.
func (s Sealer) Open(sealed string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, "v1:")
	if !ok {
		return "", ErrUnsealable
	}
	box, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil {
		return "", ErrUnsealable
	}
	gcm, err := s.gcm()
	if err != nil {
		return "", err
	}
	if len(box) < gcm.NonceSize() {
		return "", ErrUnsealable
	}
	plain, err := gcm.Open(nil, box[:gcm.NonceSize()], box[gcm.NonceSize():], nil)
	if err != nil {
		return "", ErrUnsealable
	}
	return string(plain), nil
}

func (s Sealer) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
