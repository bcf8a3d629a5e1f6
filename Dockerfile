# rockstream serve as a small, static, non-root image.
#   docker build -t rockstream .
#   docker run -p 8080:8080 -v $PWD/deploy/rockstream.yaml:/etc/rockstream/rockstream.yaml:ro rockstream

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/rockstream ./cmd/rockstream

# distroless static: CA certificates and /etc/passwd, no shell, no libc.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rockstream /usr/local/bin/rockstream
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/rockstream"]
CMD ["serve", "--config", "/etc/rockstream/rockstream.yaml", "--addr", "0.0.0.0:8080"]
