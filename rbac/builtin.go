package rbac

//go:generate go run ./internal/genbuiltin
