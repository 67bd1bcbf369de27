/*
 * twin-echo: what alice's compile step builds in the cgroup v2 twin (app.vse.yaml), and what her
 * private cluster talks with (the image has no nc).
 *   twin-echo hello                   prints "hello from tcc"
 *   twin-echo serve PORT              accepts one TCP connection, reads a line, prints it and
 *                                     answers "LINE via HOSTNAME"
 *   twin-echo send HOST PORT LINE     sends LINE to HOST:PORT and prints the answer
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

static int fail(const char *what)
{
    perror(what);
    return 1;
}

/* Reads up to one line (without its newline) from fd into buffer. */
static int read_line(int fd, char *buffer, size_t size)
{
    size_t length = 0;
    char c;
    while (length + 1 < size && read(fd, &c, 1) == 1 && c != '\n')
        buffer[length++] = c;
    buffer[length] = '\0';
    return (int)length;
}

static int serve(const char *port)
{
    struct addrinfo hints = {0}, *address;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(NULL, port, &hints, &address) != 0)
        return fail("getaddrinfo");
    int listener = socket(address->ai_family, address->ai_socktype, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (listener < 0 || bind(listener, address->ai_addr, address->ai_addrlen) != 0 || listen(listener, 1) != 0)
        return fail("listen");
    int connection = accept(listener, NULL, NULL);
    if (connection < 0)
        return fail("accept");
    char line[256], host[128], answer[512];
    read_line(connection, line, sizeof line);
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    snprintf(answer, sizeof answer, "%s via %s\n", line, host);
    /* Printed before the answer: once the sender has its answer, the output holds the line. */
    printf("%s\n", line);
    fflush(stdout);
    write(connection, answer, strlen(answer));
    close(connection);
    return 0;
}

static int send_line(const char *host, const char *port, const char *text)
{
    struct addrinfo hints = {0}, *address;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int error = getaddrinfo(host, port, &hints, &address);
    if (error != 0) {
        fprintf(stderr, "%s: %s\n", host, gai_strerror(error));
        return 1;
    }
    int fd = socket(address->ai_family, address->ai_socktype, 0);
    if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0)
        return fail("connect");
    char line[512];
    snprintf(line, sizeof line, "%s\n", text);
    write(fd, line, strlen(line));
    read_line(fd, line, sizeof line);
    printf("%s\n", line);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "hello") == 0) {
        puts("hello from tcc");
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return serve(argv[2]);
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        return send_line(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: twin-echo hello | serve PORT | send HOST PORT LINE\n");
    return 2;
}
