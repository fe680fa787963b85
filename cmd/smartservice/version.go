package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"smartservice/internal/app"
)

func versionCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	return func(ctx context.Context, e *env) error {
		fmt.Fprintf(e.stdout, "smartservice %s (%s, %s/%s)\n", app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	}
}
