# One image for web, worker and the migration one-shot (docker-compose.yml); MODE and the rest come from the environment.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dev dependencies stay: `npm start` runs TypeScript through tsx, and `npm run build` needs the Remix compiler and solc.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run db:generate && npm run build
EXPOSE 3000
CMD ["npm", "start"]
