package kaizenprocessor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// maxPriceData bounds a fetched genai-prices file (upstream's is ~1 MB).
const maxPriceData = 64 << 20

// priceRefresher reloads the configured genai-prices data and swaps the
// active table once the new one is valid; a bad reload keeps the old one.
type priceRefresher struct {
	cfg    *Config
	active *atomic.Pointer[pricing.Table]
	log    *zap.Logger
	client *http.Client
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// start loads a URL at once and then reloads every interval until shutdown.
func (r *priceRefresher) start() {
	every := r.cfg.Prices.interval()
	if every == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if r.cfg.Prices.URL != "" {
			r.reloadLogged(ctx)
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.reloadLogged(ctx)
			}
		}
	}()
}

func (r *priceRefresher) shutdown() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}

func (r *priceRefresher) reloadLogged(ctx context.Context) {
	old := r.active.Load().Version()
	if err := r.reload(ctx); err != nil {
		if ctx.Err() == nil {
			r.log.Warn("genai-prices reload failed; the active price table stays", zap.String("price_version", old), zap.Error(err))
		}
		return
	}
	if v := r.active.Load().Version(); v != old {
		r.log.Info("price table replaced", zap.String("from", old), zap.String("price_version", v),
			zap.Int("models", r.active.Load().ModelCount()))
	}
}

// reload reads, validates and activates the genai-prices data. A table
// with fewer than half the active one's models is refused: a truncated or
// wrong file must not unprice most calls.
func (r *priceRefresher) reload(ctx context.Context) error {
	data, name, err := r.read(ctx)
	if err != nil {
		return err
	}
	base, err := pricing.FromGenAI(data, name)
	if err != nil {
		return err
	}
	t, err := r.cfg.overPriceFile(base)
	if err != nil {
		return err
	}
	if cur := r.active.Load(); t.ModelCount() < cur.ModelCount()/2 {
		return fmt.Errorf("%s has %d models, the active table %d: refused", name, t.ModelCount(), cur.ModelCount())
	}
	r.active.Store(t)
	return nil
}

func (r *priceRefresher) read(ctx context.Context) ([]byte, string, error) {
	p := r.cfg.Prices
	if p.URL == "" {
		data, err := os.ReadFile(p.GenAIFile)
		return data, p.GenAIFile, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return nil, p.URL, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, p.URL, fmt.Errorf("fetch %s: %w", p.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, p.URL, fmt.Errorf("fetch %s: HTTP %s", p.URL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPriceData+1))
	if err != nil {
		return nil, p.URL, fmt.Errorf("fetch %s: %w", p.URL, err)
	}
	if len(data) > maxPriceData {
		return nil, p.URL, errors.New("fetch " + p.URL + ": over 64 MiB")
	}
	return data, p.URL, nil
}
