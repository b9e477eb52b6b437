# syntax=docker/dockerfile:1
# Jihat: one static binary on a minimal, non-root image.
#
#   docker build -t jihat .
#   docker run -p 8080:8080 -v jihat-data:/data jihat
#
# Production: set DATABASE_URL, JIHAT_DATA_KEY and REDIS_URL (see README).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO off: SQLite is the pure-Go driver, so the binary is fully static.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/jihat ./cmd/jihat \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/jihat /jihat
COPY --from=build --chown=65532:65532 /out/data /data
# The data dir holds the SQLite file, uploaded files and the generated data
# key on the embedded default; mount a volume there.
VOLUME ["/data"]
ENV JIHAT_DATA_DIR=/data JIHAT_ADDR=:8080
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 CMD ["/jihat", "health"]
ENTRYPOINT ["/jihat"]
CMD ["serve"]
