import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export function EmailLayout(props: { lang: string; preview: string; heading: string; footer: string; children: ReactNode }) {
  return (
    <Html lang={props.lang}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f6f7f9", fontFamily: "'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif" }}>
        <Container style={{ backgroundColor: "#ffffff", padding: "24px", margin: "24px auto", maxWidth: "560px" }}>
          <Text style={{ color: "#1d4ed8", fontWeight: 700, fontSize: "18px" }}>XCert</Text>
          <Heading as="h1" style={{ fontSize: "20px" }}>
            {props.heading}
          </Heading>
          <Section>{props.children}</Section>
          <Hr />
          <Text style={{ color: "#6b7280", fontSize: "12px" }}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
