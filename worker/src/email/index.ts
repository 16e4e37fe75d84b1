export { emailProvider, emailSettings, isLoopback } from './config';
export { EmailError, type EmailMessage, type EmailProvider, type Mailbox } from './types';
